import t, { type Test } from 'tap';
import { saveDefinition } from '../../src/forms/form.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, csrfFrom, formNonceFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();

const event = await openEvent(em());
await saveDefinition(em(), event, {
  sections: [
    {
      title: 'Questions',
      fields: [
        {
          key: 'besoins',
          type: 'multiple',
          label: 'Besoins',
          options: [
            { key: 'rampe', label: 'Rampe' },
            { key: 'boucle', label: 'Boucle magnétique' },
          ],
        },
        { key: 'commentaire', type: 'textarea', label: 'Commentaire' },
        { key: 'nombre', type: 'number', label: 'Accompagnants', min: 0, max: 5 },
        { key: 'groupes', type: 'group_preference', label: 'Groupes', ranks: 2 },
      ],
    },
  ],
});
const url = `/e/${event.slug}/register`;

/** A 4xx HTML page that a person can read: the layout, a title, no stack trace. */
function readable(
  t: Test,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  t.equal(res.statusCode, status);
  t.match(String(res.headers['content-type']), 'text/html');
  t.match(res.body, '<main id="main"');
  t.notMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
}

t.test('oversized, unreadable or oddly shaped submissions get a readable 4xx page, never a 500', async (t) => {
  const browser = new Browser(app);
  const formPage = (await browser.get(url)).body;
  const token = csrfFrom(formPage);

  const huge = await browser.request({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${token}&commentaire=${'a'.repeat(300 * 1024)}`,
  });
  readable(t, huge, 413);
  t.match(textOf(huge.body), 'trop volumineuses');

  const xml = await browser.request({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/xml' },
    payload: '<firstName>Zoé</firstName>',
  });
  readable(t, xml, 415);

  const broken = await browser.request({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: `{"_csrf": "${token}", "firstName": `,
  });
  readable(t, broken, 400);
  t.match(textOf(broken.body), 'illisibles');

  // JSON with objects and arrays where texts are expected: field errors, the form shown again.
  const shapes = await browser.request({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      _csrf: token,
      ...attendee(1),
      firstName: { first: 'Zoé' },
      besoins: [{ a: 1 }],
      commentaire: ['ok', { b: 2 }],
      nombre: { n: 1 },
      'groupes.1': { id: 1 },
      consent: { yes: true },
    }),
  });
  readable(t, shapes, 400);
  for (const field of ['firstName', 'besoins', 'nombre', 'groupes--1', 'consent'])
    t.match(shapes.body, `id="field-${field}-error"`, `${field} has its error`);

  const tooMany = await browser.post(url, {
    _csrf: token,
    ...attendee(1),
    besoins: Array.from({ length: 5000 }, (_, i) => `b${i}`),
  });
  readable(t, tooMany, 400);
  t.match(tooMany.body, 'id="field-besoins-error"');

  const long = await browser.post(url, { _csrf: token, ...attendee(1), commentaire: 'x'.repeat(6000) });
  readable(t, long, 400);
  t.match(textOf(long.body), '5000 caractères au maximum');
  t.match(long.body, 'x'.repeat(6000), 'the text is given back to be shortened');

  const groups = await browser.post(url, {
    _csrf: token,
    ...attendee(1),
    'groupes.1': 'DROP TABLE',
    'groupes.2': '-1',
  });
  readable(t, groups, 400);
  t.match(groups.body, 'id="field-groupes--1-error"');
  t.match(groups.body, 'href="#field-groupes--1"', 'the summary links to the rank');

  const number = await browser.post(url, { _csrf: token, ...attendee(1), nombre: '1e999' });
  readable(t, number, 400);
  t.match(number.body, 'id="field-nombre-error"');

  const nested = await browser.post(url, {
    _csrf: token,
    _form: formNonceFrom(formPage)!,
    ...attendee(1),
    'answers[besoins]': 'rampe',
    'besoins[]': 'rampe',
    __proto__: 'x',
    constructor: 'y',
  });
  t.equal(nested.statusCode, 303, 'unknown names are ignored');
  const saved = await em().findOneOrFail(Registration, { email: 'personne1@exemple.fr' });
  t.same(saved.answers, {}, 'and nothing odd is stored');
});

t.test('the attendee edit page and the builder resist the same', async (t) => {
  const browser = new Browser(app);
  const done = await browser.submit(url, url, { ...attendee(2), besoins: 'rampe' });
  const token = String(done.headers.location).split('/')[2].split('?')[0];
  const csrf = csrfFrom((await browser.get(`/r/${token}/edit`)).body);
  const shapes = await browser.request({
    method: 'POST',
    url: `/r/${token}/edit`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ _csrf: csrf, ...attendee(2), besoins: { x: 1 }, groupes: 'all' }),
  });
  readable(t, shapes, 400);
  const huge = await browser.request({
    method: 'POST',
    url: `/r/${token}/edit`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${csrf}&commentaire=${'a'.repeat(300 * 1024)}`,
  });
  readable(t, huge, 413);

  const organiser = await signedInOrganiser(app);
  const base = `/admin/events/${event.id}/form`;
  const adminToken = csrfFrom((await organiser.get(base)).body);
  const json = await organiser.request({
    method: 'POST',
    url: `${base}/fields/besoins`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      _csrf: adminToken,
      label: { x: 1 },
      'option.0.label': 5,
      'option.0.key': ['rampe'],
      minSelections: [],
      condition: [{ a: 1 }],
    }),
  });
  readable(t, json, 400);
  t.notMatch(json.body, 'value="[object Object]"', 'refused before the page reads it: a form posts only text');
  const section = await organiser.request({
    method: 'POST',
    url: `${base}/sections`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ _csrf: adminToken, title: 12, intro: null }),
  });
  t.equal(section.statusCode, 303, 'a number where a title was expected reads as its text');
});

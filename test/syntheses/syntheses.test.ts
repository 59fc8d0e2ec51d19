import fc from 'fast-check';
import t from 'tap';
import { breakouts } from '../../src/events/event-rules.js';
import { Event } from '../../src/events/event.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { renderMarkdown } from '../../src/syntheses/markdown.js';
import { FacilitatorLink, GroupSynthesis } from '../../src/syntheses/synthesis.entity.js';
import { Browser, PUBLIC_URL, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);
const event = await openEvent(em());
const [group1, group2] = breakouts(event);
const base = `/admin/events/${event.id}/syntheses`;

async function member(n: number, groupId: number) {
  const r = await register(em(), event, attendee(n));
  await em().nativeUpdate(Registration, { id: r.id }, { group: groupId });
  return r;
}
const ana = await member(1, group1.id);
const bruno = await member(2, group1.id);
const chloe = await member(3, group2.id);

/** Issues a group's link through the organiser's page and reads it off the page, as they would. */
async function issueLink(groupId: number): Promise<string> {
  const page = await organiser.get(base);
  const response = await organiser.post(`${base}/${groupId}/link`, { _csrf: csrfFrom(page.body) });
  const match = new RegExp(`value="${PUBLIC_URL}/f/([A-Za-z0-9_-]+)"`).exec(response.body);
  if (response.statusCode !== 200 || !match) throw new Error(`no link on the page: ${response.statusCode}`);
  return match[1];
}

t.test('Markdown is rendered with simple formatting and nothing that runs', async (t) => {
  const html = renderMarkdown(
    [
      '# Constats',
      '**Important** et *nuancé*',
      '- un\n- deux',
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(2)">',
      '[piège](javascript:alert(3)) [piège2](JAVASCRIPT:alert(4)) [data](data:text/html;base64,PHNjcmlwdD4=)',
      '[site](https://exemple.fr/page) ![image](https://tracker.example/p.png)',
      '<a href="javascript:alert(5)">lien brut</a>',
    ].join('\n\n'),
  );
  t.match(html, '<h3>Constats</h3>', 'a heading, under the group heading (h2)');
  t.match(html, '<strong>Important</strong>');
  t.match(html, '<em>nuancé</em>');
  t.match(html, '<li>un</li>');
  t.match(html, '<a href="https://exemple.fr/page" rel="nofollow noopener noreferrer">site</a>');
  t.notMatch(html, /<script/i, 'no script element');
  t.notMatch(html, /<img/i, 'no image element (nothing loaded from elsewhere)');
  t.notMatch(html, /<[^>]*\sonerror=/i, 'no event handler attribute');
  t.notMatch(html, /href="(?:javascript|data):/i, 'no javascript: or data: link');
  t.notMatch(html, /<a href="javascript/i);
  t.match(html, '&lt;script&gt;', 'raw HTML is shown as text');
});

t.test('whatever is typed, the HTML holds no script, no handler, no image and no unsafe link', async (t) => {
  const pieces = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '[x](javascript:alert(1))',
    '[x](  JaVaScRiPt:alert(1))',
    '[x](vbscript:msgbox)',
    '[x](data:text/html,<script>)',
    '<a href="javascript:alert(1)">y</a>',
    '![i](https://tracker.example/p.png)',
    '<iframe src="https://evil.example"></iframe>',
    '[ok](https://exemple.fr)',
    '**gras**',
    '\n\n',
    '# titre\n',
    '`code`',
    '> cite\n',
  ];
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 20 })), { maxLength: 12 }),
      (parts) => {
        const html = renderMarkdown(parts.join(''));
        const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
        return tags.every(
          (tag) =>
            /^<(p|h[3-6]|strong|em|ul|ol|li|blockquote|code|pre|br|hr|a|s|table|thead|tbody|tr|th|td)[\s>/]/i.test(
              tag,
            ) &&
            !/\son\w+=/i.test(tag) &&
            (!tag.startsWith('<a') || /^<a href="(https?:|mailto:)/i.test(tag)),
        );
      },
    ),
    { numRuns: 500 },
  );
  t.pass('500 random mixes of hostile and ordinary text');
});

t.test('the organiser issues a facilitator link, shown once, stored only hashed', async (t) => {
  const token = await issueLink(group1.id);
  t.equal(token.length, 43, '256 bits in base64url');
  const rows = await em().find(FacilitatorLink, {});
  t.equal(rows.length, 1);
  t.not(rows[0].tokenHash, token, 'the token itself is not stored');
  t.notMatch(JSON.stringify(rows), token);
  const later = await organiser.get(base);
  t.notMatch(later.body, token, 'the list page does not show it again');
  t.match(textOf(later.body), "Un lien d'animation est actif depuis");
});

t.test('the facilitator sees their group, checks people in and writes the synthesis', async (t) => {
  const token = await issueLink(group1.id);
  const facilitator = new Browser(app);
  const page = await facilitator.get(`/f/${token}`);
  t.equal(page.statusCode, 200);
  t.match(page.headers['cache-control'], 'no-store');
  const text = textOf(page.body);
  t.match(text, 'Groupe 1');
  t.match(text, 'Nom1 Prénom1');
  t.match(text, 'Nom2 Prénom2');
  t.notMatch(text, 'Nom3', 'nobody of the other group');
  t.notMatch(page.body, 'personne1@exemple.fr', 'no email address either');

  const checkIn = await facilitator.post(`/f/${token}/check-in/${ana.id}`, {
    _csrf: csrfFrom(page.body),
    present: '1',
  });
  t.equal(checkIn.statusCode, 303);
  t.ok((await em().findOneOrFail(Registration, { id: ana.id })).checkedInAt, 'Ana is marked present');
  const other = await facilitator.post(`/f/${token}/check-in/${chloe.id}`, {
    _csrf: csrfFrom(page.body),
    present: '1',
  });
  t.equal(other.statusCode, 404, 'someone of another group cannot be checked in');
  t.equal((await em().findOneOrFail(Registration, { id: chloe.id })).checkedInAt, null);

  const saved = await facilitator.post(`/f/${token}/synthesis`, {
    _csrf: csrfFrom(page.body),
    text: '## Constats\r\n\r\nLes **impayés** augmentent.\r\n\r\n<script>alert(1)</script>',
  });
  t.equal(saved.statusCode, 303);
  const row = await em().findOneOrFail(GroupSynthesis, { session: group1.id });
  t.equal(row.updatedBy, 'facilitator');
  t.match(row.text, 'Les **impayés** augmentent.\n', 'line ends kept as typed, in one form');
  const after = await facilitator.get(`/f/${token}?saved=1`);
  t.match(after.body, '<strong>impayés</strong>', 'the preview shows the formatting');
  t.notMatch(after.body, '<script>alert(1)</script>', 'and no script');
  t.match(textOf(after.body), 'Synthèse enregistrée.');
});

t.test('a synthesis too long is refused with a readable message, the saved one kept', async (t) => {
  const token = await issueLink(group1.id);
  const facilitator = new Browser(app);
  const page = await facilitator.get(`/f/${token}`);
  const refused = await facilitator.post(`/f/${token}/synthesis`, {
    _csrf: csrfFrom(page.body),
    text: 'x'.repeat(20_001),
  });
  t.equal(refused.statusCode, 400);
  t.match(textOf(refused.body), /20\s000 caractères au maximum/u, 'the limit, written the French way');
  t.match((await em().findOneOrFail(GroupSynthesis, { session: group1.id })).text, 'impayés');
});

t.test('a replaced or revoked link stops working at once', async (t) => {
  const first = await issueLink(group2.id);
  t.equal((await new Browser(app).get(`/f/${first}`)).statusCode, 200);
  const second = await issueLink(group2.id);
  t.equal((await new Browser(app).get(`/f/${first}`)).statusCode, 404, 'the replaced link');
  t.equal((await new Browser(app).get(`/f/${second}`)).statusCode, 200, 'the new one works');
  const page = await organiser.get(base);
  const revoked = await organiser.post(`${base}/${group2.id}/link/revoke`, { _csrf: csrfFrom(page.body) });
  t.equal(revoked.statusCode, 303);
  t.equal((await new Browser(app).get(`/f/${second}`)).statusCode, 404, 'the revoked link');
  t.equal((await new Browser(app).get('/f/not-a-token')).statusCode, 404, 'a made-up one');
});

t.test("the link ends with the event's retention", async (t) => {
  const token = await issueLink(group1.id);
  t.equal((await new Browser(app).get(`/f/${token}`)).statusCode, 200);
  const long = new Date(Date.now() - 400 * 86400_000);
  await em().nativeUpdate(Event, { id: event.id }, { endsAt: long, retentionMonths: 12 });
  t.equal((await new Browser(app).get(`/f/${token}`)).statusCode, 404, 'past the retention: gone');
  await em().nativeUpdate(Event, { id: event.id }, { endsAt: event.endsAt, retentionMonths: 12 });
  t.equal((await new Browser(app).get(`/f/${token}`)).statusCode, 200, 'back within it');
});

t.test('the organiser writes a synthesis and assembles the document (page and A4)', async (t) => {
  const form = await organiser.get(`${base}/${group2.id}`);
  t.equal(form.statusCode, 200);
  const saved = await organiser.post(`${base}/${group2.id}`, {
    _csrf: csrfFrom(form.body),
    text: 'Proposition : un *guichet unique*.',
  });
  t.equal(saved.statusCode, 303);
  const row = await em().findOneOrFail(GroupSynthesis, { session: group2.id });
  t.equal(row.updatedBy, 'orga@ccas-angers.fr');

  const doc = await organiser.get(`${base}/document`);
  t.equal(doc.statusCode, 200);
  const text = textOf(doc.body);
  t.match(text, 'Groupe 1');
  t.match(text, 'Animation : Alisée');
  t.match(text, 'Membres (2)');
  t.match(text, 'Groupe 2');
  t.match(text, 'Animation : CCAS');
  t.match(text, 'Membres (1)');
  t.ok(text.indexOf('Groupe 1') < text.indexOf('Groupe 2'), "in the programme's order");
  t.match(doc.body, '<em>guichet unique</em>');
  t.match(doc.body, 'class="synthesis-sheet"', 'one sheet per group (a page break before each when printed)');
  t.match(doc.body, 'data-print', 'the print button');
  t.notMatch(doc.body, 'Nom1', "no member's name in the document");
  const english = textOf((await organiser.get(`${base}/document?lang=en`)).body);
  t.match(english, 'Facilitator: Alisée', 'English punctuation on the English page');
  t.notMatch(english, 'Facilitator :', 'no French space before a colon');
  await organiser.get(`${base}/document?lang=fr`); // the language is remembered: back to French
  t.equal(bruno.status, 'confirmed');
});

t.test('viewers read the syntheses but cannot issue links', async (t) => {
  const list = await organiser.get(base);
  t.match(list.body, 'Créer le lien');
  const pageWithoutSession = await new Browser(app).get(base);
  t.equal(pageWithoutSession.statusCode, 303, 'not signed in: to the login page');
});

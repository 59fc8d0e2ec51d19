import fc from 'fast-check';
import t from 'tap';
import { Invitation } from '../../src/cycles/invitation.entity.js';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, ORGANISER, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee } from '../support/events.js';
import { buildMailTestApp } from '../support/mail-app.js';

/**
 * Registration by invitation: nobody uninvited gets in (public form, embed, API), each person invited
 * gets a personal link by email that registers them once, and organisers follow, resend and revoke.
 */

const { smtp, app, orm, deliverNew } = await buildMailTestApp(t);
const organiser = await signedInOrganiser(app);
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), ORGANISER.email)}` };

function must(ok: boolean, what: string) {
  if (!ok) throw new Error(`set-up failed: ${what}`);
}

const DAY = 86400_000;
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};
const created = await app.inject({
  method: 'POST',
  url: '/api/v1/events',
  headers: auth,
  payload: {
    title: 'Comité de pilotage',
    slug: 'comite-pilotage',
    status: 'published',
    registrationMode: 'invitation',
    startsAt: at(20, 9),
    endsAt: at(110, 12),
    sessions: [
      { kind: 'plenary', title: 'Comité 1', startsAt: at(20, 9), endsAt: at(20, 12) },
      { kind: 'plenary', title: 'Comité 2', startsAt: at(110, 9), endsAt: at(110, 12) },
    ],
  },
});
must(created.statusCode === 201, `an event by invitation: ${created.body}`);
const event = created.json();
must(event.registrationMode === 'invitation', 'the mode is kept');
const countRegistrations = () => orm.em.fork().count(Registration, { event: event.id });
const linkIn = (text: string) => /http:\/\/atelier\.test(\/i\/[A-Za-z0-9_-]+)/.exec(text)?.[1];

t.test('an uninvited address is refused: the public form says so politely, the API with 403 JSON', async (t) => {
  const visitor = new Browser(app);
  const page = await visitor.get('/e/comite-pilotage/register');
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), /se fait sur invitation/, 'the page explains');
  t.notMatch(page.body, 'name="firstName"', 'and shows no form');
  // No form on the page: a token from another page of the site, as a robot or an old tab would send.
  const csrf = csrfFrom((await visitor.get('/admin/login')).body);
  const posted = await visitor.post('/e/comite-pilotage/register', { _csrf: csrf, ...attendee(1) });
  t.equal(posted.statusCode, 403, 'a form sent anyway is refused');
  t.match(textOf(posted.body), /uniquement sur invitation/);

  const api = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...attendee(1), consent: true },
  });
  t.equal(api.statusCode, 403);
  t.match(api.headers['content-type'], /json/);
  t.match(api.json(), { error: 'registration_by_invitation' });
  t.equal(await countRegistrations(), 0, 'nobody registered');
});

t.test('organisers invite a list of addresses; bad lines are shown, nothing is sent for them', async (t) => {
  const page = await organiser.get(`/admin/events/${event.id}/invitations`);
  t.equal(page.statusCode, 200);
  const csrf = csrfFrom(page.body);
  const bad = await organiser.post(`/admin/events/${event.id}/invitations`, {
    _csrf: csrf,
    emails: 'personne1@exemple.fr\npas une adresse',
  });
  t.equal(bad.statusCode, 400);
  t.match(textOf(bad.body), /« pas une adresse » n'est pas une adresse électronique/);
  t.equal(await orm.em.fork().count(Invitation, { event: event.id }), 0, 'nothing invited on an error');

  const sent = await organiser.post(`/admin/events/${event.id}/invitations`, {
    _csrf: csrf,
    emails: 'personne1@exemple.fr\n\n Personne2@Exemple.fr \npersonne3@exemple.fr\npersonne1@exemple.fr',
  });
  t.equal(sent.statusCode, 303);
  const list = await organiser.get(sent.headers.location as string);
  t.match(textOf(list.body), /3 invitations envoyées/);
  t.match(textOf(list.body), /3 invitations/);
  await deliverNew();
  const mails = smtp.to('personne1@exemple.fr');
  t.equal(mails.length, 1, 'one email per address');
  t.match(mails[0].parsed.subject, /^Invitation : Comité de pilotage/, 'in French by default');
  t.ok(linkIn(mails[0].parsed.text ?? ''), 'with a personal link');
  t.equal(await countRegistrations(), 0, 'inviting registers nobody');

  const again = await organiser.post(`/admin/events/${event.id}/invitations`, {
    _csrf: csrf,
    emails: 'personne1@exemple.fr',
  });
  t.equal(again.statusCode, 303);
  await deliverNew();
  t.equal(smtp.to('personne1@exemple.fr').length, 1, 'an address already invited gets nothing more');
});

t.test('the invitation link registers once, after one button; opening it changes nothing', async (t) => {
  const link = linkIn(smtp.to('personne1@exemple.fr')[0].parsed.text ?? '') as string;
  const person = new Browser(app);
  const page = await person.get(link);
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), /Invitation pour personne1@exemple\.fr/);
  t.match(textOf(page.body), /2 réunions/);
  t.notMatch(page.body, 'name="email"', 'the address is the invitation’s');
  t.equal(await countRegistrations(), 0, 'GET has no side effect');

  const { email: _email, ...fields } = attendee(1);
  const done = await person.post(link, { _csrf: csrfFrom(page.body), ...fields });
  t.equal(done.statusCode, 303, done.body.slice(0, 300));
  t.match(done.headers.location, /^\/r\//, 'to the private page');
  const registrations = await orm.em.fork().find(Registration, { event: event.id });
  t.equal(registrations.length, 1);
  t.equal(registrations[0].email, 'personne1@exemple.fr');
  t.equal(registrations[0].status, 'confirmed');

  const twice = await person.post(link, { _csrf: csrfFrom(page.body), ...fields });
  t.equal(twice.statusCode, 409, 'a second time is refused');
  t.match(textOf(twice.body), /déjà inscrit/);
  t.equal(await countRegistrations(), 1, 'still one registration');
  const reopened = await person.get(link);
  t.match(textOf(reopened.body), /déjà inscrit/, 'the link now says so');
  t.notMatch(reopened.body, 'name="firstName"');

  const list = await organiser.get(`/admin/events/${event.id}/invitations`);
  t.match(textOf(list.body), /personne1@exemple\.fr Inscrit/, 'listed as registered');
});

t.test('the API registers an invited address, and only that one', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...attendee(2), email: 'personne2@exemple.fr', consent: true },
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(await countRegistrations(), 2);
});

t.test('resend and revoke: a revoked link stops working', async (t) => {
  const [third] = await orm.em.fork().find(Invitation, { event: event.id, emailKey: 'personne3@exemple.fr' });
  const link = linkIn(smtp.to('personne3@exemple.fr')[0].parsed.text ?? '') as string;
  const page = await organiser.get(`/admin/events/${event.id}/invitations`);
  const csrf = csrfFrom(page.body);
  const resent = await organiser.post(`/admin/events/${event.id}/invitations/${third.id}/resend`, { _csrf: csrf });
  t.equal(resent.statusCode, 303);
  await deliverNew();
  t.equal(smtp.to('personne3@exemple.fr').length, 2, 'sent again');
  const revoked = await organiser.post(`/admin/events/${event.id}/invitations/${third.id}/revoke`, { _csrf: csrf });
  t.equal(revoked.statusCode, 303);
  const dead = await new Browser(app).get(link);
  t.equal(dead.statusCode, 410);
  t.match(textOf(dead.body), /lien d'invitation a été retiré/);
  const api = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...attendee(3), email: 'personne3@exemple.fr', consent: true },
  });
  t.equal(api.statusCode, 403, 'nor through the API');
  const list = await organiser.get(`/admin/events/${event.id}/invitations`);
  t.match(textOf(list.body), /personne3@exemple\.fr Retirée/);
  const other = await organiser.post(`/admin/events/${event.id}/invitations/999999/resend`, { _csrf: csrf });
  t.equal(other.statusCode, 404, 'an invitation of no event');
});

t.test('the mode is set on the event form and checked by the API', async (t) => {
  const form = await organiser.get(`/admin/events/${event.id}/edit`);
  t.match(form.body, /name="registrationMode"/);
  t.match(form.body, /<option value="invitation" selected>/);
  const bad = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { registrationMode: 'secret' },
  });
  t.equal(bad.statusCode, 400);
  t.match(bad.headers['content-type'], /json/);
  const open = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { registrationMode: 'open' },
  });
  t.equal(open.statusCode, 200);
  t.equal(open.json().registrationMode, 'open');
  const page = await new Browser(app).get('/e/comite-pilotage/register');
  t.match(page.body, 'name="firstName"', 'open again: the public form is back');
});

t.test(
  'whatever is pasted as addresses, the answer is a page, never a 5xx, and only addresses are invited',
  async (t) => {
    const page = await organiser.get(`/admin/events/${event.id}/invitations`);
    const csrf = csrfFrom(page.body);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.emailAddress(), fc.string({ maxLength: 60 })), { maxLength: 6 }),
        async (lines) => {
          const res = await organiser.post(`/admin/events/${event.id}/invitations`, {
            _csrf: csrf,
            emails: lines.join('\n'),
          });
          return res.statusCode === 303 || res.statusCode === 400;
        },
      ),
      { numRuns: 20 },
    );
    const invited = await orm.em.fork().find(Invitation, { event: event.id });
    t.ok(
      invited.every((i) => /^[^\s@]+@[^\s@]+$/.test(i.email)),
      'every invitation holds an address',
    );
  },
);

import t from 'tap';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { buildMailTestApp } from '../support/mail-app.js';
import { writesDuring } from '../support/sql-writes.js';

// An attendee's private link was forwarded or leaked: the organiser issues a new one from the
// registration's page; the old one stops working, the new one can be emailed to the person.
const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);

async function registered(n: number) {
  const event = await openEvent(em());
  const res = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(n));
  const registration = await em().findOneOrFail(Registration, { event: event.id });
  return { event, registration, link: res.headers.location!.split('?')[0] };
}

async function reissue(eventId: number, registrationId: number, notify: boolean) {
  const page = await organiser.get(`/admin/events/${eventId}/registrations/${registrationId}`);
  const fields: Record<string, string> = { _csrf: csrfFrom(page.body) };
  if (notify) fields.notify = 'yes';
  return organiser.post(`/admin/events/${eventId}/registrations/${registrationId}/new-link`, fields);
}

t.test('the registration page offers the button, with the choice to email the new link', async (t) => {
  const { event, registration } = await registered(1);
  const page = await organiser.get(`/admin/events/${event.id}/registrations/${registration.id}`);
  t.match(page.body, `action="/admin/events/${event.id}/registrations/${registration.id}/new-link"`);
  t.match(textOf(page.body), 'Émettre un nouveau lien privé');
  t.match(
    page.body,
    /<input type="checkbox" id="new-link-notify" name="notify" value="yes" checked>\s*<label for="new-link-notify">/,
  );
});

t.test('a new link replaces the old one, which now answers a bare 404', async (t) => {
  const { event, registration, link } = await registered(2);
  t.equal((await new Browser(app).get(link)).statusCode, 200);
  const res = await reissue(event.id, registration.id, false);
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, `/admin/events/${event.id}/registrations/${registration.id}`);
  const detail = await organiser.get(res.headers.location!);
  t.match(textOf(detail.body), "Un nouveau lien privé a été émis ; l'ancien ne fonctionne plus.", 'a one-time notice');
  t.match(detail.body, 'notice-done');
  t.notMatch(textOf((await organiser.get(res.headers.location!)).body), 'a été émis', 'shown once only');
  const old = await new Browser(app).get(link);
  t.equal(old.statusCode, 404);
  t.notMatch(textOf(old.body), 'Prénom2', 'nothing about the person');
  const fresh = await em().findOneOrFail(Registration, { id: registration.id });
  t.not(fresh.token, registration.token);
  t.equal(fresh.token.length, 43, '256 random bits');
  t.equal((await new Browser(app).get(`/r/${fresh.token}`)).statusCode, 200, 'the new link works');
  t.equal(
    await em().count(OutboxMessage, { registration: registration.id, kind: 'private_link' }),
    0,
    'no email unless asked',
  );
});

t.test('asked to, the new link is emailed to the attendee', async (t) => {
  const { event, registration } = await registered(3);
  const res = await reissue(event.id, registration.id, true);
  t.equal(res.headers.location, `/admin/events/${event.id}/registrations/${registration.id}`);
  t.match(
    textOf((await organiser.get(res.headers.location!)).body),
    'émis et envoyé à la personne',
    'the notice says so',
  );
  const fresh = await em().findOneOrFail(Registration, { id: registration.id });
  const mail = await em().findOneOrFail(OutboxMessage, { registration: registration.id, kind: 'private_link' });
  t.equal(mail.recipient, 'personne3@exemple.fr');
  t.match(mail.text, `/r/${fresh.token}`);
  t.notMatch(mail.text, registration.token, 'not the old link');
  t.match(mail.subject, 'nouveau lien');
});

t.test('signed-out people cannot reissue a link', async (t) => {
  const { event, registration } = await registered(4);
  const stranger = new Browser(app);
  const page = await stranger.get('/admin/login');
  const res = await stranger.post(`/admin/events/${event.id}/registrations/${registration.id}/new-link`, {
    _csrf: csrfFrom(page.body),
  });
  t.equal(res.statusCode, 303);
  t.match(res.headers.location, '/admin/login');
  t.equal((await em().findOneOrFail(Registration, { id: registration.id })).token, registration.token);
});

t.test('registering again with the same address offers to email the private link there, and only there', async (t) => {
  const { event, registration } = await registered(30);
  const again = new Browser(app);
  const refused = await again.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(30));
  t.equal(refused.statusCode, 409);
  t.match(textOf(refused.body), 'déjà inscrite');
  t.match(textOf(refused.body), `M'envoyer le lien à ${attendee(30).email}`, 'the page offers to send the link');
  t.notMatch(refused.body, registration.token, 'without showing it');

  const sendLink = (email: string) =>
    again.post(`/e/${event.slug}/private-link`, { _csrf: csrfFrom(refused.body), email });
  const linkMails = () => em().find(OutboxMessage, { registration: registration.id, kind: 'private_link' });
  const sent = await sendLink(attendee(30).email.toUpperCase());
  t.equal(sent.statusCode, 200);
  t.match(textOf(sent.body), "le lien privé vient d'y être envoyé");
  const [mail] = await linkMails();
  t.equal(mail.recipient, attendee(30).email, 'to the registered address');
  t.match(mail.text, `/r/${registration.token}`, 'with the current private link');
  t.match(mail.subject, "Votre lien d'inscription");

  await sendLink(attendee(30).email);
  t.equal((await linkMails()).length, 1, 'asking again at once sends no second email');
  const stranger = await sendLink('personne-inconnue@exemple.fr');
  t.equal(
    textOf(stranger.body),
    textOf(sent.body).replace(attendee(30).email.toUpperCase(), 'personne-inconnue@exemple.fr'),
    'an unknown address gets the same answer',
  );
  const [none] = await em().find(OutboxMessage, { recipient: 'personne-inconnue@exemple.fr' });
  t.equal(none.event?.id, event.id, 'and an email of the event');
  t.equal(none.registration, null);
  t.match(none.subject, 'Aucune inscription à cette adresse', 'saying that no registration uses this address');
  t.notMatch(none.text, '/r/', 'with no private link');
  await sendLink('personne-inconnue@exemple.fr');
  t.equal(
    await em().count(OutboxMessage, { recipient: 'personne-inconnue@exemple.fr' }),
    1,
    'asking again at once sends no second email there either',
  );
});

t.test('registered or not, the request does the same writes and leaves the sending to the worker', async (t) => {
  // Asserted structurally, never with a clock: the same write statements, one outbox row each, no
  // SMTP inside the request, delivery by the worker afterwards. The worker runs only when the test
  // says (deliverNew), so that none of its writes falls among the request's; no scheduled jobs either
  // (their bookkeeping, job_run rows written at start-up, would too).
  const mailing = await buildMailTestApp(t, { SCHEDULED_JOBS: 'false' });
  const event = await openEvent(mailing.orm.em.fork(), { title: 'Atelier discret' });
  const page = `/e/${event.slug}/register`;
  const browser = new Browser(mailing.app);
  t.equal((await browser.submit(page, page, attendee(40))).statusCode, 303);
  await mailing.deliverNew();
  const asker = new Browser(mailing.app);
  const form = await asker.get(page);
  const rows = () => mailing.orm.em.fork().count(OutboxMessage, {});
  const writes: string[][] = [];
  const answers: string[] = [];
  for (const email of [attendee(40).email, 'pas-inscrite@exemple.fr']) {
    const before = await rows();
    const seen: string[] = [];
    const res = await writesDuring(mailing.orm, seen, () =>
      asker.post(`/e/${event.slug}/private-link`, { _csrf: csrfFrom(form.body), email }),
    );
    t.equal(res.statusCode, 200);
    t.equal(await rows(), before + 1, `${email}: one outbox row`);
    writes.push(seen);
    answers.push(textOf(res.body).replace(email, '<address>'));
  }
  t.same(writes[0], ['insert outbox_message'], 'registered: one insert, into the outbox');
  t.same(writes[1], writes[0], 'not registered: the same writes');
  t.equal(answers[1], answers[0], 'the same answer');
  t.equal(mailing.smtp.received.length, 1, 'nothing sent inside the requests');
  await mailing.deliverNew();
  t.equal(
    mailing.smtp.to(attendee(40).email)[1]?.parsed.headers.get('x-atelier-kind'),
    'private_link',
    'the link, by the worker',
  );
  t.match(mailing.smtp.to('pas-inscrite@exemple.fr')[0]?.parsed.subject, 'Aucune inscription', 'the other one too');
});

import t from 'tap';
import { findEvent, updateEvent } from '../../src/events/event.service.js';
import { autoAssign, publishAssignments } from '../../src/groups/groups.service.js';
import { announceByMail } from '../../src/mail/notifications.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { walkIn } from '../../src/registrations/check-in.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel } from '../../src/registrations/registration.service.js';
import { Browser, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { TestSmtpServer } from '../support/smtp.js';

// Registrations taken by phone or on paper often come without an email address: the organiser may
// leave it blank, nothing is ever sent to the person, their private link is shown to the organiser,
// and every page and export copes. The organiser also picks the language of the person's emails.
const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const { app, orm, config } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'atelier@atelier.test',
  MAIL_WORKER: 'false',
});
const transport = createMailTransport(config.mail);
t.teardown(() => transport.close?.());
const organiser = await signedInOrganiser(app);
const em = () => orm.em.fork();
const base = (eventId: number, id?: number) =>
  id ? `/admin/events/${eventId}/registrations/${id}` : `/admin/events/${eventId}/registrations`;
const noEmail = (n: number) => ({ ...attendee(n), email: '' });

async function addByHand(eventId: number, fields: Record<string, string>) {
  return organiser.submit(`${base(eventId)}/new`, `${base(eventId)}/new`, fields);
}

t.test('added by hand without an address: stored, nobody emailed, the private link shown', async (t) => {
  const event = await openEvent(em());
  const page = await organiser.get(`${base(event.id)}/new`);
  t.match(page.body, /<input id="field-email" name="email" type="email" value=""(?![^>]*required)/, 'not required');
  t.match(textOf(page.body), 'Facultative. Sans adresse, la personne ne reçoit aucun courriel');
  t.match(page.body, /<select id="field-locale" name="locale">/, 'the language of the emails is chosen');
  t.match(page.body, /<label for="field-locale">Langue des courriels envoyés à la personne<\/label>/);

  // Two people without an address: the per-event uniqueness of addresses does not get in the way.
  const first = await addByHand(event.id, { ...noEmail(1), notify: 'yes' });
  t.equal(first.statusCode, 303);
  const second = await addByHand(event.id, { ...noEmail(2), notify: 'yes', locale: 'en' });
  t.equal(second.statusCode, 303);
  const [a, b] = await em().find(Registration, { event: event.id }, { orderBy: { id: 'asc' } });
  t.equal(a.email, '');
  t.equal(b.email, '');
  t.not(a.emailKey, b.emailKey, 'each its own placeholder key');
  t.equal(a.locale, 'fr');
  t.equal(b.locale, 'en', 'the language chosen is kept for later emails');
  t.equal(a.consentRecordedBy, 'Organisatrice <orga@ccas-angers.fr>');
  t.equal(await em().count(OutboxMessage, { registration: { $in: [a.id, b.id] } }), 0, 'nothing sent');
  t.equal(await em().count(OutboxMessage, { recipient: '' }), 0);

  const detail = await organiser.get(first.headers.location!);
  const text = textOf(detail.body);
  t.match(text, 'Sans adresse, aucun courriel n’est envoyé'.replace('’', "'"), 'the notice says so');
  t.match(text, "Adresse électronique Pas d'adresse électronique");
  t.match(text, 'Langue des courriels Français');
  t.match(text, 'Lien privé de la personne');
  t.equal(
    detail.body.split('Lien privé de la personne').length,
    2,
    'one heading of that name, the other says what it does',
  );
  t.match(text, 'Remplacer le lien privé');
  t.match(detail.body, `href="${config.publicUrl}/r/${a.token}"`, 'the private link, to hand over');
  t.match(textOf((await organiser.get(base(event.id, b.id))).body), 'Langue des courriels Anglais');
  const own = await app.inject({ method: 'GET', url: `/r/${a.token}` });
  t.equal(own.statusCode, 200, 'the link works');
  t.match(
    textOf(own.body),
    'Adresse électronique Aucune : vous ne recevez pas de courriel',
    'their page says why no email comes',
  );
  t.notMatch(detail.body, 'id="new-link-notify"', 'a new link cannot be emailed to nobody');
  const renewed = await organiser.submit(base(event.id, a.id), `${base(event.id, a.id)}/new-link`, { notify: 'yes' });
  t.equal(renewed.statusCode, 303);
  const fresh = await em().findOneOrFail(Registration, { id: a.id });
  t.not(fresh.token, a.token, 'a new link');
  t.match(textOf((await organiser.get(renewed.headers.location!)).body), fresh.token, 'shown to hand over');
  t.equal(await em().count(OutboxMessage, { registration: a.id }), 0, 'and nothing sent');
});

t.test('added by hand with an address, in English: the confirmation is in English', async (t) => {
  const event = await openEvent(em());
  const res = await addByHand(event.id, { ...attendee(3), notify: 'yes', locale: 'en' });
  t.equal(res.statusCode, 303);
  const r = await em().findOneOrFail(Registration, { event: event.id, email: attendee(3).email });
  t.equal(r.locale, 'en');
  const before = smtp.received.length;
  const { sent } = await drainOutbox(orm, transport);
  await smtp.waitFor(before + sent);
  const [mail] = smtp.to(attendee(3).email);
  t.match(mail.parsed.subject, 'Registration confirmed');
  const unknown = await addByHand(event.id, { ...attendee(4), locale: 'de' });
  t.equal(unknown.statusCode, 303, 'an unknown language falls back to French');
  t.equal((await em().findOneOrFail(Registration, { email: attendee(4).email })).locale, 'fr');
});

t.test('corrections, the person’s own page and status changes cope without an address', async (t) => {
  const event = await openEvent(em(), { capacity: 2 });
  await addByHand(event.id, noEmail(5));
  await addByHand(event.id, noEmail(6));
  const [a, b] = await em().find(Registration, { event: event.id }, { orderBy: { id: 'asc' } });
  const edit = await organiser.get(`${base(event.id, a.id)}/edit`);
  t.notMatch(edit.body, /id="field-email"[^>]*required/, 'still optional when correcting');
  const kept = await organiser.submit(`${base(event.id, a.id)}/edit`, `${base(event.id, a.id)}/edit`, {
    ...noEmail(5),
    lastName: 'Corrigé',
  });
  t.equal(kept.statusCode, 303);
  const fresh = await em().findOneOrFail(Registration, { id: a.id });
  t.equal(fresh.lastName, 'Corrigé');
  t.equal(fresh.emailKey, a.emailKey, 'the placeholder key is kept');

  // The person edits their own answers through the link the organiser gave them.
  const person = new Browser(app);
  const ownPage = await person.get(`/r/${b.token}/edit`);
  t.match(ownPage.body, /<input id="field-email" name="email" type="email" value=""(?![^>]*required)/, 'not required');
  const own = await person.submit(`/r/${b.token}/edit`, `/r/${b.token}/edit`, { ...noEmail(6), lastName: 'Elle-même' });
  t.equal(own.statusCode, 303, 'no address asked of them either');
  t.equal((await em().findOneOrFail(Registration, { id: b.id })).lastName, 'Elle-même');

  // Cancelled by the organiser, "tell the person" left ticked: there is nobody to tell.
  const cancel = await organiser.submit(`${base(event.id, b.id)}/status`, `${base(event.id, b.id)}/status`, {
    status: 'cancelled',
  });
  t.equal(cancel.statusCode, 303);
  t.match(textOf((await organiser.get(cancel.headers.location!)).body), "aucun message n'a été envoyé");
  t.equal(await em().count(OutboxMessage, { recipient: '' }), 0, 'no email without a recipient');

  // An address added later: from now on the person is written to like anyone.
  const added = await organiser.submit(`${base(event.id, a.id)}/edit`, `${base(event.id, a.id)}/edit`, {
    ...attendee(5),
    lastName: 'Corrigé',
  });
  t.equal(added.statusCode, 303);
  t.equal((await em().findOneOrFail(Registration, { id: a.id })).emailKey, attendee(5).email);
});

t.test('lists, exports, groups, check-in, report and messages cope without an address', async (t) => {
  const event = await openEvent(em());
  await addByHand(event.id, noEmail(7));
  await addByHand(event.id, attendee(8));
  await autoAssign(em(), await findEvent(em(), event.id), 'all');
  await publishAssignments(em(), await findEvent(em(), event.id), app.mail.settings);
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'group' }), 1, 'the group email: one address');
  t.equal(await em().count(OutboxMessage, { recipient: '' }), 0);

  const admin = `/admin/events/${event.id}`;
  for (const path of ['/registrations', '/groups', '/groups/print', '/check-in', '/sign-in']) {
    const res = await organiser.get(admin + path);
    t.equal(res.statusCode, 200, path);
    t.match(textOf(res.body), 'Nom7', `${path} lists the person`);
  }
  t.match(textOf((await organiser.get(`${admin}/report`)).body), 'Total 2 100 %', 'the report counts them');
  const csv = await organiser.get(`${admin}/registrations.csv`);
  t.equal(csv.statusCode, 200);
  t.match(csv.body, /Nom7/);
  t.equal((await organiser.get(`${admin}/registrations.xlsx`)).statusCode, 200);
  t.equal((await organiser.get(`${admin}/groups.csv`)).statusCode, 200);

  const form = await organiser.get(`${admin}/messages/new`);
  const batch = /name="batch" value="([^"]+)"/.exec(form.body)![1];
  const sent = await organiser.post(`${admin}/messages`, {
    _csrf: csrfFrom(form.body),
    batch,
    subject: 'Rappel',
    body: 'À jeudi.',
    statuses: ['confirmed'],
  });
  t.equal(sent.statusCode, 303);
  t.match(textOf((await organiser.get(String(sent.headers.location))).body), '1 message mis en file', 'counted: one');
  t.equal(await em().count(OutboxMessage, { recipient: '' }), 0);
});

t.test('the API takes a registration without an address too', async (t) => {
  await createOrganiser(em(), { email: 'api-noemail@ccas-angers.fr', password: 'mot-de-passe-api' });
  const token = await createApiToken(em(), 'api-noemail@ccas-angers.fr', 'test');
  const event = await openEvent(em());
  const post = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/registrations`,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
  const { email: _, ...withoutEmail } = attendee(9);
  const one = await post({ ...withoutEmail, consent: true, locale: 'en' });
  t.equal(one.statusCode, 201);
  t.match(one.json(), { email: '', locale: 'en', status: 'confirmed' });
  t.match(one.json().manageUrl, `${config.publicUrl}/r/`, 'the private link, to hand over');
  const two = await post({ ...withoutEmail, email: '', consent: true });
  t.equal(two.statusCode, 201, 'a second one, with an empty address');
  t.equal(await em().count(OutboxMessage, { registration: { $in: [one.json().id, two.json().id] } }), 0);
  t.equal((await post({ ...withoutEmail, email: 'faux', consent: true })).statusCode, 400, 'a bad one still refused');
  const cleared = await app.inject({
    method: 'PATCH',
    url: `/api/v1/registrations/${one.json().id}`,
    headers: { authorization: `Bearer ${token}` },
    payload: { email: 'neuf@exemple.fr' },
  });
  t.equal(cleared.statusCode, 200);
  t.equal(cleared.json().email, 'neuf@exemple.fr');
});

t.test('the public form still requires an address', async (t) => {
  const event = await openEvent(em());
  const res = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, noEmail(10));
  t.equal(res.statusCode, 400);
  t.equal(await em().count(Registration, { event: event.id }), 0);
});

t.test('a walk-in without an address: a new venue and a cancellation write to the others only', async (t) => {
  // Both used to throw in the calendar library (an invite attendee without an email).
  const event = await openEvent(em());
  await addByHand(event.id, attendee(11));
  const fields = { ...noEmail(12), consent: 'yes' };
  const person = await walkIn(em(), await findEvent(em(), event.id), fields, { mail: app.mail.settings });
  t.equal(person.email, '');
  await updateEvent(
    em(),
    await findEvent(em(), event.id),
    { venue: 'Ailleurs' },
    { announce: announceByMail(app.mail.settings) },
  );
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'update' }), 1, 'the update: to the one address');
  await cancel(em(), await em().findOneOrFail(Registration, { id: person.id }), {
    mail: app.mail.settings,
    byOrganiser: true,
  });
  t.equal((await em().findOneOrFail(Registration, { id: person.id })).status, 'cancelled');
  t.equal(await em().count(OutboxMessage, { recipient: '' }), 0);
});

import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';
import { calendarOf } from '../support/smtp.js';
import { buildMailTestApp } from '../support/mail-app.js';

// Organisers add a registration by hand (phone, paper), correct one, and change its status, with
// the email and calendar update each change calls for, unless they choose not to tell the person.
const { smtp, app, orm, deliverNew } = await buildMailTestApp(t);
const organiser = await signedInOrganiser(app);
const em = () => orm.em.fork();

async function registerPublicly(slug: string, n: number) {
  const res = await new Browser(app).submit(`/e/${slug}/register`, `/e/${slug}/register`, attendee(n));
  if (res.statusCode !== 303) throw new Error(`registration ${n}: ${res.statusCode}`);
  return em().findOneOrFail(Registration, { email: attendee(n).email });
}

const base = (eventId: number, id?: number) =>
  id ? `/admin/events/${eventId}/registrations/${id}` : `/admin/events/${eventId}/registrations`;
const seats = async (eventId: number) => (await em().findOneOrFail(Event, { id: eventId })).confirmedCount;
const statusOf = async (id: number) => (await em().findOneOrFail(Registration, { id })).status;

function changeStatus(eventId: number, id: number, fields: Record<string, string>) {
  return organiser.submit(`${base(eventId, id)}/status`, `${base(eventId, id)}/status`, fields);
}

t.test(
  'adding a registration by hand: the public form, the consent in the organiser’s name, the email optional',
  async (t) => {
    const event = await openEvent(em(), { capacity: 1 });
    const list = await organiser.get(base(event.id));
    t.match(list.body, `href="${base(event.id)}/new"`, 'the list offers to add one');
    const page = await organiser.get(`${base(event.id)}/new`);
    t.equal(page.statusCode, 200);
    t.match(textOf(page.body), 'recueilli par vous (Organisatrice)');
    t.match(
      page.body,
      /<input type="checkbox" id="field-notify" name="notify" value="yes" checked/,
      'email ticked by default',
    );
    t.match(page.body, 'name="consent"', 'the same questions as the public form');

    const missing = await organiser.submit(`${base(event.id)}/new`, `${base(event.id)}/new`, {
      ...attendee(1),
      consent: '',
      email: 'pas-une-adresse',
    });
    t.equal(missing.statusCode, 400, 'the same checks');
    t.match(missing.body, 'value="Prénom1"', 'the values are kept');
    t.equal(await em().count(Registration, { event: event.id }), 0, 'nothing stored');

    const added = await organiser.submit(`${base(event.id)}/new`, `${base(event.id)}/new`, {
      ...attendee(1),
      notify: 'yes',
    });
    t.equal(added.statusCode, 303);
    const first = await em().findOneOrFail(Registration, { event: event.id, email: attendee(1).email });
    t.equal(added.headers.location, base(event.id, first.id));
    t.equal(first.status, 'confirmed');
    t.equal(first.consentRecordedBy, 'Organisatrice <orga@ccas-angers.fr>');
    const detail = textOf((await organiser.get(added.headers.location!)).body);
    t.match(detail, "L'inscription est enregistrée et confirmée.");
    t.match(detail, 'Accord recueilli par Organisatrice');
    await deliverNew();
    const [mail] = smtp.to(attendee(1).email);
    t.match(mail.parsed.subject, 'Inscription confirmée');
    t.equal(parseCalendar(calendarOf(mail)).method, 'REQUEST', 'with the invite');

    const second = await organiser.submit(`${base(event.id)}/new`, `${base(event.id)}/new`, attendee(2));
    t.equal(second.statusCode, 303);
    t.match(
      textOf((await organiser.get(second.headers.location!)).body),
      "sur la liste d'attente",
      'full: the waiting list',
    );
    t.equal(await statusOf((await em().findOneOrFail(Registration, { email: attendee(2).email })).id), 'waitlisted');
    t.equal(await em().count(OutboxMessage, { recipient: attendee(2).email }), 0, 'no email unless ticked');

    const twice = await organiser.submit(`${base(event.id)}/new`, `${base(event.id)}/new`, attendee(2));
    t.equal(twice.statusCode, 409, 'the same address cannot register twice');
    t.match(textOf(twice.body), 'déjà inscrite');
  },
);

t.test('a closed event takes no registration by hand either', async (t) => {
  const event = await openEvent(em(), { status: 'closed' });
  const page = await organiser.get(`${base(event.id)}/new`);
  t.match(textOf(page.body), 'clos');
  t.notMatch(page.body, 'name="firstName"', 'no form');
  const res = await organiser.post(`${base(event.id)}/new`, { _csrf: csrfFrom(page.body), ...attendee(3) });
  t.equal(res.statusCode, 409);
  t.equal(await em().count(Registration, { event: event.id }), 0);
});

t.test('correcting details and answers: checked by the form, whatever the window, nobody emailed', async (t) => {
  const event = await openEvent(em());
  const r = await registerPublicly(event.slug, 10);
  const detail = await organiser.get(base(event.id, r.id));
  t.match(detail.body, `href="${base(event.id, r.id)}/edit"`);
  const page = await organiser.get(`${base(event.id, r.id)}/edit`);
  t.match(page.body, 'value="Prénom10"', 'prefilled');
  const bad = await organiser.submit(`${base(event.id, r.id)}/edit`, `${base(event.id, r.id)}/edit`, {
    ...attendee(10),
    email: 'faux',
  });
  t.equal(bad.statusCode, 400);
  t.equal((await em().findOneOrFail(Registration, { id: r.id })).email, attendee(10).email, 'unchanged');
  const outboxBefore = await em().count(OutboxMessage, { registration: r.id });
  const ok = await organiser.submit(`${base(event.id, r.id)}/edit`, `${base(event.id, r.id)}/edit`, {
    ...attendee(10),
    lastName: 'Nom-Corrigé',
    email: 'corrige10@exemple.fr',
  });
  t.equal(ok.statusCode, 303);
  t.match(
    textOf((await organiser.get(ok.headers.location!)).body),
    'Les coordonnées et les réponses sont enregistrées.',
  );
  const fresh = await em().findOneOrFail(Registration, { id: r.id });
  t.equal(fresh.lastName, 'Nom-Corrigé');
  t.equal(fresh.emailKey, 'corrige10@exemple.fr');
  t.equal(await em().count(OutboxMessage, { registration: r.id }), outboxBefore, 'no email');
});

t.test('changing the status moves the seat and tells the person, with the calendar to match', async (t) => {
  const event = await openEvent(em(), { capacity: 1 });
  const a = await registerPublicly(event.slug, 20);
  const b = await registerPublicly(event.slug, 21);
  await deliverNew();
  const invite = parseCalendar(calendarOf(smtp.to(attendee(20).email)[0]));

  const page = await organiser.get(`${base(event.id, a.id)}/status`);
  t.match(textOf(page.body), 'Cette inscription est confirmée.');
  t.match(page.body, 'name="silent"', 'the organiser may choose not to tell');

  t.equal((await changeStatus(event.id, a.id, { status: 'waitlisted' })).statusCode, 303);
  t.equal(await statusOf(a.id), 'waitlisted');
  t.equal(await statusOf(b.id), 'waitlisted', 'nobody promoted: the organiser decides who holds the seat');
  t.equal(await seats(event.id), 0, 'the seat is free');
  await deliverNew();
  const moved = smtp.to(attendee(20).email).at(-1)!;
  t.match(moved.parsed.subject, "liste d'attente");
  const withdrawn = parseCalendar(calendarOf(moved));
  t.equal(withdrawn.method, 'CANCEL', 'the invite leaves their calendar');
  t.same(
    withdrawn.events.map((e) => e.uid),
    invite.events.map((e) => e.uid),
  );

  t.equal((await changeStatus(event.id, b.id, { status: 'confirmed' })).statusCode, 303);
  t.equal(await statusOf(b.id), 'confirmed');
  await deliverNew();
  const promoted = smtp.to(attendee(21).email).at(-1)!;
  t.match(promoted.parsed.subject, 'inscription confirmée');
  t.equal(parseCalendar(calendarOf(promoted)).method, 'REQUEST');

  // Full now: confirming A takes a second step with an explicit box.
  const refused = await changeStatus(event.id, a.id, { status: 'confirmed' });
  t.equal(refused.statusCode, 409);
  t.match(textOf(refused.body), "L'événement est complet : toutes ses places sont prises");
  t.match(textOf(refused.body), 'au-delà de la capacité de 1 place', 'a real singular');
  t.match(refused.body, 'name="overCapacity"');
  t.equal(await statusOf(a.id), 'waitlisted', 'nothing changed yet');
  const forced = await organiser.post(`${base(event.id, a.id)}/status`, {
    _csrf: csrfFrom(refused.body),
    status: 'confirmed',
    overCapacity: 'yes',
  });
  t.equal(forced.statusCode, 303);
  t.equal(await statusOf(a.id), 'confirmed');
  t.equal(await seats(event.id), 2, 'beyond the capacity, counted');

  // Cancelled then reinstated then cancelled again: each change has its own email.
  const steps: Record<string, string>[] = [
    { status: 'cancelled' },
    { status: 'confirmed', overCapacity: 'yes' },
    { status: 'cancelled' },
  ];
  for (const fields of steps) t.equal((await changeStatus(event.id, a.id, fields)).statusCode, 303);
  await deliverNew();
  const subjects = smtp.to(attendee(20).email).map((m) => m.parsed.subject);
  t.equal(subjects.filter((s) => s?.startsWith('Inscription annulée')).length, 2, 'two cancellations');
  t.equal(subjects.filter((s) => s?.startsWith('Inscription confirmée')).length, 2, 'registration and reinstatement');

  const before = await em().count(OutboxMessage, { registration: a.id });
  const silent = await changeStatus(event.id, a.id, { status: 'waitlisted', silent: 'yes' });
  t.equal(silent.statusCode, 303);
  t.match(textOf((await organiser.get(silent.headers.location!)).body), "aucun message n'a été envoyé");
  t.equal(await statusOf(a.id), 'waitlisted');
  t.equal(await em().count(OutboxMessage, { registration: a.id }), before, 'ne pas prévenir: no email');
});

t.test('the API changes details, answers and status: 200, 400 with the field, 409 with the reason', async (t) => {
  const { createOrganiser, createApiToken } = await import('../../src/organisers/organiser.service.js');
  await createOrganiser(em(), { email: 'api@ccas-angers.fr', password: 'mot-de-passe-api' });
  const token = await createApiToken(em(), 'api@ccas-angers.fr');
  const event = await openEvent(em(), { capacity: 1 });
  const a = await registerPublicly(event.slug, 30);
  const b = await registerPublicly(event.slug, 31);
  const patch = (id: number, payload: unknown, query = '') =>
    app.inject({
      method: 'PATCH',
      url: `/api/v1/registrations/${id}${query}`,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as Record<string, unknown>,
    });

  const renamed = await patch(a.id, { lastName: 'Durand', organisation: 'CCAS' });
  t.equal(renamed.statusCode, 200);
  t.match(renamed.json(), {
    id: a.id,
    lastName: 'Durand',
    organisation: 'CCAS',
    firstName: 'Prénom30',
    status: 'confirmed',
  });

  const invalid = await patch(a.id, { email: 'faux', structureType: 'inconnu' });
  t.equal(invalid.statusCode, 400);
  t.same(
    invalid
      .json()
      .details.map((d: { field: string }) => d.field)
      .sort(),
    ['email', 'structureType'],
  );
  t.equal((await patch(a.id, { answers: { inconnue: 'x' } })).json().details[0].field, 'answers.inconnue');
  t.equal((await patch(a.id, { firstName: 42 })).statusCode, 400, 'JSON types kept');
  t.equal((await patch(a.id, { side: 'x' })).statusCode, 400, 'unknown fields refused');

  const full = await patch(b.id, { status: 'confirmed' });
  t.equal(full.statusCode, 409);
  t.equal(full.json().error, 'over_capacity');
  t.match(full.json().message, 'complet');

  const outboxBefore = await em().count(OutboxMessage, { registration: a.id });
  const quiet = await patch(a.id, { status: 'cancelled' }, '?notify=false');
  t.equal(quiet.statusCode, 200);
  t.equal(quiet.json().status, 'cancelled');
  t.equal(await statusOf(b.id), 'confirmed', 'the seat went to the first person waiting');
  t.equal(await em().count(OutboxMessage, { registration: a.id }), outboxBefore, 'notify=false: nothing sent');

  const forced = await patch(a.id, { status: 'confirmed', overCapacity: true });
  t.equal(forced.statusCode, 200);
  t.equal(forced.json().status, 'confirmed');
  t.equal(await em().count(OutboxMessage, { registration: a.id, kind: 'confirmation' }), 2, 'reinstated: told');

  t.equal((await patch(2_000_000, { lastName: 'X' })).statusCode, 404);
  const openapi = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  t.ok(openapi.paths['/api/v1/registrations/{id}'].patch, 'in the OpenAPI document');
});

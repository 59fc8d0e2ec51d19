import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { saveDefinition } from '../../src/forms/form.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { drainOutbox } from '../../src/mail/outbox.worker.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { ErasureLog } from '../../src/privacy/erasure-log.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { ORGANISER, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t, { SCHEDULED_JOBS: 'false', MAIL_WORKER: 'false' });
const organiser = await signedInOrganiser(app);
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), ORGANISER.email)}` };
const organiserId = (await orm.em.fork().findOneOrFail(Organiser, { email: ORGANISER.email })).id;
const mail = app.mail.settings;

const em = orm.em.fork();
const event = await openEvent(em, { capacity: 2 });
await saveDefinition(em, event, {
  sections: [{ title: 'Questions', fields: [{ type: 'text', key: 'allergies', label: 'Allergies' }] }],
});
const camille = await register(
  em,
  event,
  {
    ...attendee(1),
    firstName: 'Camille',
    lastName: 'Dupont-Erase',
    email: 'camille.erase@exemple.fr',
    organisation: 'Secours Effacé',
    allergies: 'Arachides',
  },
  { mail },
);
const dominique = await register(
  em,
  event,
  { ...attendee(2), firstName: 'Dominique', email: 'dominique@exemple.fr' },
  { mail },
);
const waiting = await register(em, event, { ...attendee(3), email: 'attente@exemple.fr' }, { mail });
t.equal(waiting.status, 'waitlisted');
const base = `/admin/events/${event.id}/registrations`;

/** Every row of every table, as text: where an erased person's data must no longer appear. */
async function wholeDatabase(): Promise<string> {
  const tables = [...new Set(Object.values(orm.getMetadata().getAll()).map((meta) => meta.tableName))];
  const dump: unknown[] = [];
  for (const table of tables) dump.push(await orm.em.fork().getConnection().execute(`select * from ${table}`));
  return JSON.stringify(dump);
}

t.test('the registration page links to the personal-data download and to erasure', async (t) => {
  const page = await organiser.get(`${base}/${camille.id}`);
  t.equal(page.statusCode, 200);
  t.match(page.body, `href="${base}/${camille.id}/personal-data"`);
  t.match(page.body, `href="${base}/${camille.id}/erase"`);
});

t.test('export: everything held about the person, and nothing about anyone else', async (t) => {
  const download = await organiser.get(`${base}/${camille.id}/personal-data`);
  t.equal(download.statusCode, 200);
  t.match(download.headers['content-type'], 'application/json');
  t.match(
    download.headers['content-disposition'],
    `attachment; filename="personal-data-${event.id}-${camille.id}.json"`,
  );
  const data = download.json();
  t.match(data.registration, {
    id: camille.id,
    status: 'confirmed',
    firstName: 'Camille',
    lastName: 'Dupont-Erase',
    email: 'camille.erase@exemple.fr',
    organisation: 'Secours Effacé',
    structureType: { key: 'travailleur-social' },
    answers: [{ key: 'allergies', label: 'Allergies', value: 'Arachides' }],
  });
  t.match(data.event, { id: event.id, retentionMonths: 12 });
  t.same(
    data.emails.map((m: { kind: string; recipient: string }) => [m.kind, m.recipient]),
    [['confirmation', 'camille.erase@exemple.fr']],
    'the confirmation email held for them',
  );
  t.match(data.emails[0].text, 'Camille');
  t.notMatch(download.body, /dominique|attente@/i, 'no one else');

  const api = await app.inject({
    method: 'GET',
    url: `/api/v1/registrations/${camille.id}/personal-data`,
    headers: auth,
  });
  t.equal(api.statusCode, 200);
  t.same({ ...api.json(), exportedAt: null }, { ...data, exportedAt: null }, 'the API gives the same document');

  const unknown = await app.inject({ method: 'GET', url: '/api/v1/registrations/999999/personal-data', headers: auth });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().error, 'not_found');
  t.equal((await organiser.get(`${base}/999999/personal-data`)).statusCode, 404);
});

t.test(
  'erase on a page: confirmation, CSRF, then gone from every table, seat given, logged without data',
  async (t) => {
    const confirm = await organiser.get(`${base}/${camille.id}/erase`);
    t.equal(confirm.statusCode, 200);
    t.match(textOf(confirm.body), 'Effacer définitivement Camille Dupont-Erase (camille.erase@exemple.fr)');

    const forged = await organiser.post(`${base}/${camille.id}/erase`, {});
    t.equal(forged.statusCode, 403, 'refused without the CSRF token');
    t.equal(await orm.em.fork().count(Registration, { id: camille.id }), 1);

    t.match(await wholeDatabase(), 'camille.erase@exemple.fr', 'control: the scan sees the data before');
    await drainOutbox(orm, app.mail.transport);
    const emlFiles = () =>
      readdirSync(app.mail.outboxDir).map((name) => readFileSync(join(app.mail.outboxDir, name), 'utf8'));
    t.ok(
      emlFiles().some((eml) => eml.includes('camille.erase@exemple.fr')),
      'their confirmation was sent (an .eml copy without SMTP_URL)',
    );
    const done = await organiser.post(`${base}/${camille.id}/erase`, { _csrf: csrfFrom(confirm.body) });
    t.equal(done.statusCode, 303);
    t.equal(done.headers.location, base);
    t.match(textOf((await organiser.get(done.headers.location as string)).body), 'La personne a été effacée.');

    t.equal(await orm.em.fork().count(Registration, { id: camille.id }), 0, 'the registration is deleted');
    t.equal(
      await orm.em
        .fork()
        .count(OutboxMessage, { $or: [{ registration: camille.id }, { recipient: 'camille.erase@exemple.fr' }] }),
      0,
      'so are their emails, the cancellation included',
    );
    t.notMatch(
      await wholeDatabase(),
      /camille\.erase|Dupont-Erase|Secours Effacé|Arachides/,
      'nothing of theirs left in any table',
    );
    t.notOk(
      emlFiles().some((eml) => eml.includes('camille.erase@exemple.fr')),
      'nor in the .eml copies',
    );
    t.ok(
      emlFiles().some((eml) => eml.includes('dominique@exemple.fr')),
      "other people's copies stay",
    );

    const promoted = await orm.em.fork().findOneOrFail(Registration, { id: waiting.id });
    t.equal(promoted.status, 'confirmed', 'the freed seat went to the first person waiting');
    t.equal(
      await orm.em.fork().count(OutboxMessage, { registration: waiting.id, kind: 'promotion' }),
      1,
      'who is told',
    );
    t.equal(
      (await orm.em.fork().findOneOrFail(Event, { id: event.id })).confirmedCount,
      2,
      'the confirmed count stays right',
    );

    const log = await orm.em.fork().find(ErasureLog, {});
    t.same(
      log.map((row) => [row.eventId, row.registrationId, row.organiserId, row.via]),
      [[event.id, camille.id, organiserId, 'page']],
    );
    t.same(
      Object.keys(log[0]).sort(),
      ['erasedAt', 'eventId', 'id', 'organiserId', 'registrationId', 'via'],
      'ids and a time only',
    );
    t.equal((await organiser.get(`${base}/${camille.id}`)).statusCode, 404);
  },
);

t.test('erase through the API: 204, the seat is freed, unknown ids are a 404', async (t) => {
  const erased = await app.inject({ method: 'DELETE', url: `/api/v1/registrations/${dominique.id}`, headers: auth });
  t.equal(erased.statusCode, 204);
  t.equal(await orm.em.fork().count(Registration, { id: dominique.id }), 0);
  t.equal(await orm.em.fork().count(OutboxMessage, { recipient: 'dominique@exemple.fr' }), 0);
  t.equal(
    (await orm.em.fork().findOneOrFail(Event, { id: event.id })).confirmedCount,
    1,
    'one seat freed, no one waiting',
  );
  t.same(
    (await orm.em.fork().find(ErasureLog, { registrationId: dominique.id })).map((row) => [row.organiserId, row.via]),
    [[organiserId, 'api']],
  );

  // Registered through the API with an Idempotency-Key, which keeps the answer (their data) for replays.
  const payload = {
    firstName: 'Eve',
    lastName: 'Api',
    email: 'eve.api@exemple.fr',
    organisation: 'CCAS',
    structureType: 'association',
    consent: true,
  };
  const registered = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: { ...auth, 'idempotency-key': 'eve-1' },
    payload,
  });
  t.equal(registered.statusCode, 201);
  t.match(await wholeDatabase(), 'eve.api@exemple.fr');
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/api/v1/registrations/${registered.json().id}`, headers: auth }))
      .statusCode,
    204,
  );
  t.notMatch(await wholeDatabase(), /eve\.api|"Eve"/, 'nothing of theirs left, the stored API answer included');

  const again = await app.inject({ method: 'DELETE', url: `/api/v1/registrations/${dominique.id}`, headers: auth });
  t.equal(again.statusCode, 404);
  t.equal(again.json().error, 'not_found');
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/api/v1/registrations/${dominique.id}` })).statusCode,
    401,
    'the API needs a token',
  );
});

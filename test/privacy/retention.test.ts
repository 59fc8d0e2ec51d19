import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { Event } from '../../src/events/event.entity.js';
import { saveDefinition } from '../../src/forms/form.service.js';
import type { DefinitionInput } from '../../src/forms/form-rules.js';
import { retentionJob } from '../../src/jobs/jobs.js';
import { runDueJobs } from '../../src/jobs/scheduler.js';
import { requestPasswordReset } from '../../src/mail/account-mail.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { drainOutbox } from '../../src/mail/outbox.worker.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { ACCOUNT_EMAIL_DAYS, anonymiseExpired, retentionEndsAt } from '../../src/privacy/privacy.service.js';
import { setPresent } from '../../src/registrations/check-in.service.js';
import { IdempotencyRecord } from '../../src/registrations/idempotency.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel, register } from '../../src/registrations/registration.service.js';
import { buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const DAY = 24 * 3600_000;
const { app, orm, config } = await buildTestApp(t, { SCHEDULED_JOBS: 'false', MAIL_WORKER: 'false' });
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };
const mail = app.mail.settings;

const form: DefinitionInput = {
  sections: [
    {
      title: 'Organisation de la journée',
      fields: [
        { type: 'yesno', key: 'dejeuner', label: 'Déjeunerez-vous sur place ?', required: true },
        {
          type: 'choice',
          key: 'transport',
          label: 'Comment venez-vous ?',
          options: [
            { key: 'voiture', label: 'Voiture' },
            { key: 'tram', label: 'Tramway' },
          ],
        },
        { type: 'text', key: 'allergies', label: 'Allergies' },
        { type: 'phone', key: 'telephone', label: 'Téléphone' },
      ],
    },
  ],
};

/**
 * An event that ended two months ago, with registrations taken while it was open: 6 people for 4
 * seats (2 waiting), one cancelled (the first waiting promoted), one in a group, one present.
 */
async function pastEvent(retentionMonths: number, prefix: string) {
  const em = orm.em.fork();
  const start = new Date(Date.now() - 60 * DAY);
  const event = await openEvent(em, {
    capacity: 4,
    retentionMonths,
    startsAt: start,
    endsAt: new Date(start.getTime() + 4 * 3600_000),
    sessions: [{ kind: 'breakout', title: 'Groupe 1', startsAt: start, endsAt: new Date(start.getTime() + 3600_000) }],
  });
  await saveDefinition(em, event, form);
  const whileOpen = new Date(start.getTime() - DAY);
  const people: Registration[] = [];
  for (let n = 0; n < 6; n++) {
    const person = { ...attendee(n, n % 2 ? 'association' : 'travailleur-social'), email: `${prefix}${n}@exemple.fr` };
    people.push(
      await register(
        em,
        event,
        {
          ...person,
          dejeuner: n % 3 ? 'yes' : 'no',
          transport: n < 3 ? 'voiture' : 'tram',
          allergies: `Arachides ${prefix}${n}`,
          telephone: '06 12 34 56 78',
        },
        { now: whileOpen, mail },
      ),
    );
  }
  // As an API registration with an Idempotency-Key leaves it: the answer, personal data included, for a replay.
  em.create(IdempotencyRecord, {
    scope: `api:1:${event.id}`,
    key: `${prefix}-key`,
    requestHash: 'x'.repeat(64),
    registration: people[4],
    status: 201,
    body: { email: people[4].email },
    createdAt: whileOpen,
  });
  await em.flush();
  await cancel(em, people[1], { mail });
  people[0].group = event.sessions.getItems()[0];
  await em.flush();
  await setPresent(em, event, people[2].id, true);
  return { event, people };
}

const expired = await pastEvent(1, 'expire');
const kept = await pastEvent(12, 'garde');
const breakdown = async (event: Event) =>
  Promise.all(
    ['all', 'confirmed', 'present', 'waitlisted', 'cancelled'].map(async (status) =>
      (
        await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/breakdown?status=${status}`, headers: auth })
      ).json(),
    ),
  );
/** The .eml copies of sent emails (no SMTP_URL in tests), by the address they went to. */
const emlRecipients = () =>
  readdirSync(app.mail.outboxDir).map(
    (name) =>
      /^To: [^\n]*<([^@>]+)@exemple\.fr>/m.exec(readFileSync(join(app.mail.outboxDir, name), 'utf8'))?.[1] ?? name,
  );
/** Every row of every table, as text. */
async function wholeDatabase(): Promise<string> {
  const tables = [...new Set(Object.values(orm.getMetadata().getAll()).map((meta) => meta.tableName))];
  const dump: unknown[] = [];
  for (const table of tables) dump.push(await orm.em.fork().getConnection().execute(`select * from ${table}`));
  return JSON.stringify(dump);
}
const rows = (event: Event) => orm.em.fork().find(Registration, { event: event.id }, { orderBy: { id: 'asc' } });

t.test('the retention job anonymises the expired event only, keeps its figures and purges its emails', async (t) => {
  const figuresBefore = await breakdown(expired.event);
  t.equal(figuresBefore[0].total, 6);
  const before = await rows(expired.event);
  const keptBefore = await rows(kept.event);
  t.ok(
    (await orm.em.fork().count(OutboxMessage, { event: expired.event.id })) > 0,
    'the expired event has emails in the outbox',
  );
  const keptEmails = await orm.em.fork().count(OutboxMessage, { event: kept.event.id });
  t.ok((await drainOutbox(orm, app.mail.transport)).sent > 0, 'emails sent, as .eml copies');
  t.ok(
    emlRecipients().some((to) => to.startsWith('expire')) && emlRecipients().some((to) => to.startsWith('garde')),
    'copies for both events',
  );
  const oldToken = before[3].token;
  t.equal(
    (await app.inject({ method: 'GET', url: `/r/${oldToken}` })).statusCode,
    200,
    'the private link works before',
  );

  t.match(
    await wholeDatabase(),
    /expire4@exemple\.fr[\s\S]*expire4@exemple\.fr[\s\S]*expire4@exemple\.fr/,
    'control: the scan sees their data (registration, outbox, idempotency)',
  );
  const end = retentionEndsAt(expired.event);
  t.same(
    await anonymiseExpired(orm.em.fork(), new Date(end.getTime() - 60_000)),
    { events: 0, registrations: 0, emails: 0, accountEmails: 0 },
    'a minute before the end of retention, nothing happens',
  );

  const now = new Date();
  t.same(await runDueJobs(orm, [retentionJob({ emlDir: app.mail.outboxDir })], now), { retention: 'ran' });
  const after = await rows(expired.event);
  for (const [i, r] of after.entries()) {
    t.equal(r.firstName, 'Anonyme');
    t.equal(r.lastName, `#${r.id}`);
    t.equal(r.email, `anonymised-${r.id}@invalid`);
    t.equal(r.emailKey, r.email);
    t.equal(r.organisation, '');
    t.not(r.token, before[i].token, 'the private link is revoked');
    t.ok(r.anonymisedAt, 'marked anonymised');
    t.same(
      Object.keys(r.answers).sort(),
      ['dejeuner', 'transport'],
      'choice answers kept, typed answers (text, phone) gone',
    );
    t.same(
      [r.structureType, r.status, r.group?.id ?? null, r.checkedInAt?.getTime() ?? null],
      [
        before[i].structureType,
        before[i].status,
        before[i].group?.id ?? null,
        before[i].checkedInAt?.getTime() ?? null,
      ],
      'structure type, status, group and presence unchanged',
    );
  }
  const stored = JSON.stringify(after);
  t.notMatch(
    stored,
    /expire\d|Prénom|Nom\d|Structure \d|Arachides|06 12/,
    'no name, email, organisation or free text left',
  );
  const everything = await wholeDatabase();
  t.notMatch(everything, /expire\d/, 'no email address of theirs left in any table');
  t.match(everything, 'garde4@exemple.fr', "the other event's data is still there");
  t.equal(
    await orm.em.fork().count(IdempotencyRecord, { registration: before[4].id }),
    0,
    'the stored API answer is gone',
  );
  t.same(
    await breakdown(expired.event),
    figuresBefore,
    'the breakdown (structure types, statuses, groups, presence, questions) is identical',
  );
  t.equal(
    await orm.em.fork().count(OutboxMessage, { event: expired.event.id }),
    0,
    'its emails are purged from the outbox',
  );
  t.notOk(
    emlRecipients().some((to) => to.startsWith('expire')),
    'and their .eml copies',
  );
  t.ok(
    emlRecipients().some((to) => to.startsWith('garde')),
    "the other event's copies stay",
  );
  t.equal((await app.inject({ method: 'GET', url: `/r/${oldToken}` })).statusCode, 404, 'the old private link is dead');

  t.same(
    JSON.stringify(await rows(kept.event)),
    JSON.stringify(keptBefore),
    'the event still within its retention is untouched',
  );
  t.equal(await orm.em.fork().count(OutboxMessage, { event: kept.event.id }), keptEmails, 'and so are its emails');
});

t.test('running it again changes nothing (idempotent)', async (t) => {
  const before = JSON.stringify(await rows(expired.event));
  t.same(await anonymiseExpired(orm.em.fork()), { events: 0, registrations: 0, emails: 0, accountEmails: 0 });
  t.equal(JSON.stringify(await rows(expired.event)), before);
});

t.test('emails of no event (password resets) are deleted once done with for a month, with their copies', async (t) => {
  const now = new Date();
  const resetFor = async (email: string, daysAgo: number) => {
    await requestPasswordReset(orm.em.fork(), email, mail, 'fr', new Date(now.getTime() - daysAgo * DAY));
    return orm.em.fork().findOneOrFail(OutboxMessage, { recipient: email });
  };
  // Sent to an address, without a name: the copies are searched for it.
  const copies = () =>
    readdirSync(app.mail.outboxDir)
      .map((name) => readFileSync(join(app.mail.outboxDir, name), 'utf8'))
      .join('\n');
  const old = await resetFor('ancien@exemple.fr', ACCOUNT_EMAIL_DAYS + 1);
  const recent = await resetFor('recent@exemple.fr', ACCOUNT_EMAIL_DAYS - 1);
  t.ok((await drainOutbox(orm, app.mail.transport, now)).sent >= 2, 'both sent, as .eml copies');
  const waiting = await resetFor('attente@exemple.fr', ACCOUNT_EMAIL_DAYS + 1);
  t.equal(waiting.status, 'pending', 'one still to send');
  t.match(copies(), 'To: ancien@exemple.fr', 'control: the copy is there');

  const done = await anonymiseExpired(orm.em.fork(), now, { emlDir: app.mail.outboxDir });
  t.equal(done.accountEmails, 1);
  const left = await orm.em.fork().find(OutboxMessage, { id: { $in: [old.id, recent.id, waiting.id] } });
  t.same(
    left.map((m) => m.recipient).sort(),
    ['attente@exemple.fr', 'recent@exemple.fr'],
    'the recent one and the one not sent yet stay',
  );
  t.notMatch(copies(), 'ancien@exemple.fr', 'the old copy is gone');
  t.match(copies(), 'To: recent@exemple.fr', 'the recent copy stays');
});

t.test('npm run cli -- anonymise-expired runs it by hand', async (t) => {
  const other = await pastEvent(1, 'cli');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'anonymise-expired'],
    {
      env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.database.url, LOG_LEVEL: 'silent' },
      cwd: process.cwd(),
    },
  );
  t.match(stdout, 'Anonymised 6 registrations of 1 event,');
  t.ok((await rows(other.event)).every((r) => r.anonymisedAt !== null && r.email.endsWith('@invalid')));
});

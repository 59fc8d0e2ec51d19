import t from 'tap';
import { AuditEntry } from '../../src/audit/audit.entity.js';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/orm.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { testConfig } from '../support/app.js';

// Audit entries are written off the request path, many requests to one write (src/audit/audit.service.ts):
// none may be lost when the service stops cleanly right after answering.
t.test('the entries of requests answered just before a clean stop are all written', async (t) => {
  const config = await testConfig(t, { MAIL_WORKER: 'false' });
  const orm = await openDatabase(config.database);
  const app = await buildApp({ config, orm, logger: false });
  await createOrganiser(orm.em.fork(), { email: 'audit@alisee.fr', password: 'un-mot-de-passe-solide' });
  const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'audit@alisee.fr')}` };
  const year = new Date().getUTCFullYear() + 1;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: auth,
    payload: {
      title: 'Atelier journal',
      slug: 'atelier-journal',
      startsAt: `${year}-11-15T09:00:00+01:00`,
      endsAt: `${year}-11-15T12:00:00+01:00`,
      capacity: 10,
    },
  });
  const eventId = (created.json() as { id: number }).id;
  const changes = await Promise.all(
    Array.from({ length: 20 }, (_, n) =>
      app.inject({
        method: 'PATCH',
        url: `/api/v1/events/${eventId}`,
        headers: auth,
        payload: { capacity: 20 + n },
      }),
    ),
  );
  t.same(
    changes.map((r) => r.statusCode),
    changes.map(() => 200),
  );
  await app.close();
  const reopened = await openDatabase(config.database, { migrate: false });
  t.teardown(() => reopened.close());
  const entries = await reopened.em.fork().find(AuditEntry, { event: eventId, action: 'changed' });
  t.equal(entries.length, 20, 'one entry per change, none lost');
  t.ok(
    entries.every((e) => e.route === 'PATCH /api/v1/events/:id' && e.via === 'api'),
    'each names its route',
  );
});

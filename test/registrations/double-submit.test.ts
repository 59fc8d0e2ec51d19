import t from 'tap';
import { IdempotencyRecord } from '../../src/registrations/idempotency.entity.js';
import { IDEMPOTENCY_TTL_MS, sweepExpiredIdempotency } from '../../src/registrations/idempotency.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, csrfFrom, formNonceFrom } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { HttpClient } from '../support/http.js';

// A form sent twice (double click, a retry after a slow answer, back and resend) or an API call
// retried with its Idempotency-Key must register the person once, send one email, and answer the
// second time as it did the first.
const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const url = await app.listen({ port: 0, host: '127.0.0.1' });
await createOrganiser(em(), { email: 'api@double.fr', password: 'mot-de-passe-api' });
const token = await createApiToken(em(), 'api@double.fr');

async function stored(eventId: number) {
  const registrations = await em().find(Registration, { event: eventId });
  const emails = await em().count(OutboxMessage, { registration: { $in: registrations.map((r) => r.id) } });
  return { registrations: registrations.length, emails };
}

t.test('the same form sent twice in a row: one registration, one email, the same page both times', async (t) => {
  const event = await openEvent(em());
  const browser = new Browser(app);
  const page = (await browser.get(`/e/${event.slug}/register`)).body;
  const fields = { _csrf: csrfFrom(page), _form: formNonceFrom(page)!, ...attendee(1) };
  const first = await browser.post(`/e/${event.slug}/register`, fields);
  const second = await browser.post(`/e/${event.slug}/register`, fields);
  t.equal(first.statusCode, 303);
  t.equal(second.statusCode, 303, 'not an error');
  t.equal(second.headers.location, first.headers.location, 'the same registration page');
  t.same(await stored(event.id), { registrations: 1, emails: 1 });
});

t.test('the same form sent five times at once: one registration, one email, every answer the same page', async (t) => {
  const event = await openEvent(em());
  const client = new HttpClient();
  const { csrf, nonce } = await client.page(`${url}/e/${event.slug}/register`);
  const body = new URLSearchParams({ _csrf: csrf!, _form: nonce!, ...attendee(2) }).toString();
  const responses = await Promise.all(
    Array.from({ length: 5 }, () =>
      client.request(`${url}/e/${event.slug}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
    ),
  );
  t.same(
    responses.map((r) => r.status),
    [303, 303, 303, 303, 303],
  );
  t.equal(new Set(responses.map((r) => r.headers.get('location'))).size, 1, 'one registration page for all');
  t.same(await stored(event.id), { registrations: 1, emails: 1 });
});

t.test(
  'a new rendering of the form is a new submission: the same person again is told they are registered',
  async (t) => {
    const event = await openEvent(em());
    const browser = new Browser(app);
    t.equal(
      (await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(3))).statusCode,
      303,
    );
    const again = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(3));
    t.equal(again.statusCode, 409);
    t.same(await stored(event.id), { registrations: 1, emails: 1 });
  },
);

t.test('the same rendered form sent for two people: each is registered, neither sees the other', async (t) => {
  const event = await openEvent(em());
  const browser = new Browser(app);
  const page = (await browser.get(`/e/${event.slug}/register`)).body;
  const form = { _csrf: csrfFrom(page), _form: formNonceFrom(page)! };
  const first = await browser.post(`/e/${event.slug}/register`, { ...form, ...attendee(41) });
  // Back, another name, send: the same nonce with another body.
  const second = await browser.post(`/e/${event.slug}/register`, { ...form, ...attendee(42) });
  t.equal(first.statusCode, 303);
  t.equal(second.statusCode, 303);
  t.not(second.headers.location, first.headers.location, "not the first person's private page");
  const secondPage = await browser.get(String(second.headers.location));
  t.match(secondPage.body, attendee(42).email, 'the second person lands on their own page');
  t.notMatch(secondPage.body, attendee(41).email, "nothing of the first person's");
  t.same(
    (await em().find(Registration, { event: event.id }, { orderBy: { id: 'asc' } })).map((r) => r.email),
    [attendee(41).email, attendee(42).email],
    'both registered',
  );
  // The same body again under that nonce is still a replay, whichever of the two it is.
  const again = await browser.post(`/e/${event.slug}/register`, { ...form, ...attendee(41) });
  t.equal(again.headers.location, first.headers.location);
  const again2 = await browser.post(`/e/${event.slug}/register`, { ...form, ...attendee(42) });
  t.equal(again2.headers.location, second.headers.location);
  t.same(await stored(event.id), { registrations: 2, emails: 2 });
});

function apiRegister(eventId: number, body: unknown, key?: string) {
  return fetch(`${url}/api/v1/events/${eventId}/registrations`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  });
}

const apiAttendee = (n: number) => ({ ...attendee(n), consent: true });

t.test('API: the same Idempotency-Key and body answer the same response, once stored', async (t) => {
  const event = await openEvent(em());
  const first = await apiRegister(event.id, apiAttendee(4), 'cle-4');
  const second = await apiRegister(event.id, apiAttendee(4), 'cle-4');
  t.equal(first.status, 201);
  t.equal(second.status, 201);
  t.same(await second.json(), await first.json(), 'the same JSON');
  t.equal(second.headers.get('idempotent-replayed'), 'true');
  t.same(await stored(event.id), { registrations: 1, emails: 1 });
});

t.test('API: the same key with another body is refused with 422 idempotency_key_reused', async (t) => {
  const event = await openEvent(em());
  t.equal((await apiRegister(event.id, apiAttendee(5), 'cle-5')).status, 201);
  const other = await apiRegister(event.id, apiAttendee(6), 'cle-5');
  t.equal(other.status, 422);
  const json = await other.json();
  t.equal(json.error, 'idempotency_key_reused');
  t.match(json.message, 'Idempotency-Key');
  t.same(await stored(event.id), { registrations: 1, emails: 1 });
});

t.test('API: five requests at once with one key register once and all answer the same registration', async (t) => {
  const event = await openEvent(em());
  const responses = await Promise.all(Array.from({ length: 5 }, () => apiRegister(event.id, apiAttendee(7), 'cle-7')));
  t.same(
    responses.map((r) => r.status),
    [201, 201, 201, 201, 201],
  );
  const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json()).id)));
  t.equal(ids.size, 1);
  t.same(await stored(event.id), { registrations: 1, emails: 1 });
});

t.test('API: without a key a second identical request is the usual 409 already_registered', async (t) => {
  const event = await openEvent(em());
  t.equal((await apiRegister(event.id, apiAttendee(8))).status, 201);
  const second = await apiRegister(event.id, apiAttendee(8));
  t.equal(second.status, 409);
  t.equal((await second.json()).error, 'already_registered');
});

t.test(
  'a key is remembered for a day: then it may be used again, and the hourly sweep deletes what it held',
  async (t) => {
    const event = await openEvent(em());
    t.equal((await apiRegister(event.id, apiAttendee(20), 'cle-20')).status, 201);
    const dayAgo = new Date(Date.now() - IDEMPOTENCY_TTL_MS - 60_000);
    await em().nativeUpdate(IdempotencyRecord, { key: 'cle-20' }, { createdAt: dayAgo });
    const reused = await apiRegister(event.id, apiAttendee(21), 'cle-20');
    t.equal(reused.status, 201, 'after a day the same key registers someone else, not a 422');
    t.same(await stored(event.id), { registrations: 2, emails: 2 });

    await em().nativeUpdate(IdempotencyRecord, { key: 'cle-20' }, { createdAt: dayAgo });
    const before = await em().count(IdempotencyRecord, {});
    t.equal(await sweepExpiredIdempotency(em()), 1, 'the sweep deletes the expired answer');
    t.equal(await em().count(IdempotencyRecord, {}), before - 1, 'and only it');
  },
);

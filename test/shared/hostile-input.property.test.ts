import fc from 'fast-check';
import t, { type Test } from 'tap';
import { Event, EventSession } from '../../src/events/event.entity.js';
import { saveDefinition } from '../../src/forms/form.service.js';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { hasControlCharacters, hasLineBreak } from '../../src/shared/text.js';
import {
  Browser,
  ORGANISER,
  buildTestApp,
  csrfFrom,
  formEncode,
  formNonceFrom,
  signedInOrganiser,
} from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// Issue #13: whatever a client sends (control characters, lone surrogates, huge strings, wrong JSON
// types, numbers at the edges, nesting, __proto__ keys, CRLF), the answer is never a 5xx, nothing
// invalid is stored and the service keeps answering. HOSTILE_RUNS=1000 for a longer run.
const RUNS = Number(process.env.HOSTILE_RUNS ?? 15);

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
await signedInOrganiser(app);
const auth = { authorization: `Bearer ${await createApiToken(em(), ORGANISER.email)}` };
const event = await openEvent(em(), { capacity: 100000 });
const NUMBER_BOUNDS = { min: -5, max: 1000 };
await saveDefinition(em(), event, {
  sections: [
    {
      title: 'Tout',
      fields: [
        { key: 'texte', type: 'text', label: 'Texte' },
        { key: 'long', type: 'textarea', label: 'Long' },
        { key: 'courriel', type: 'email', label: 'Courriel' },
        { key: 'tel', type: 'phone', label: 'Téléphone' },
        { key: 'nombre', type: 'number', label: 'Nombre', ...NUMBER_BOUNDS },
        { key: 'jour', type: 'date', label: 'Jour' },
        { key: 'choix', type: 'choice', label: 'Choix', options: [{ key: 'a', label: 'A' }] },
        {
          key: 'plusieurs',
          type: 'multiple',
          label: 'Plusieurs',
          options: [
            { key: 'a', label: 'A' },
            { key: 'b', label: 'B' },
          ],
        },
        { key: 'oui-non', type: 'yesno', label: 'Oui ou non' },
        { key: 'accord', type: 'consent', label: 'Accord', required: false },
        { key: 'info', type: 'info', label: 'Info', text: 'À lire' },
        { key: 'groupes', type: 'group_preference', label: 'Groupes', ranks: 2 },
        { key: 'constructor', type: 'text', label: 'Piège' },
      ],
    },
  ],
});
const ANSWER_KEYS = ['texte', 'long', 'courriel', 'tel', 'nombre', 'jour', 'choix', 'plusieurs', 'oui-non', 'accord'];
const PAGE_KEYS = [
  ...ANSWER_KEYS,
  'groupes.1',
  'groupes.2',
  'constructor',
  'firstName',
  'lastName',
  'email',
  'organisation',
  'structureType',
  'consent',
];

const nasty = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\u001b[31m',
  '\u007f',
  'Léa\r\nBcc: x@y.fr',
  '\n',
  '\ud800',
  'x\udfff',
  '1e308',
  '-1e308',
  'NaN',
  'Infinity',
  '0x10',
  '1'.repeat(5000),
  `${'1'.repeat(40_000)}x`,
  'a'.repeat(25_000),
  '__proto__',
  'constructor',
  '',
  ' ',
);
const hostileString = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);
const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 31) - 1, 1e20, 0.1),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const scalar = fc.oneof(hostileString, edgeNumber, fc.boolean(), fc.constant(null));
/** Any JSON value, nested, with the keys that poison prototypes. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(
    fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a'), hostileString),
    tie('value'),
    {
      maxKeys: 3,
    },
  ),
})).value;

const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Every text in a stored value, keys included. */
function textsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(textsIn);
  return Object.entries(value).flatMap(([key, v]) => [key, ...textsIn(v)]);
}

/** JSON text of a body, `__proto__` included as an own key (JSON.stringify keeps own keys only). */
function jsonPayload(value: unknown): string {
  return JSON.stringify(value);
}

async function expectHealthy(t: Test, response: { statusCode: number; body: string }, what: string) {
  if (response.statusCode >= 500) t.fail(`${what}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const health = await app.inject({ url: '/healthz' });
  const took = performance.now() - started;
  const busy = process.cpuUsage(cpu);
  const busyMs = (busy.user + busy.system) / 1000;
  // Within a second; on a machine loaded by other work (several test files at once), a slower answer
  // is only a freeze if this process was the one busy, or if it took far longer.
  const frozen = took > 1000 && (busyMs > 500 || took > 5000);
  if (health.statusCode !== 200 || frozen)
    t.fail(`/healthz after ${what}: ${health.statusCode} in ${Math.round(took)} ms (${busyMs} ms of CPU)`);
  return response.statusCode < 500;
}

/** A path segment: percent-encoded, a lone surrogate as the bytes a careless client sends for it. */
function pathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `%ED%A0%80${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))}`;
  }
}

/** A body value as a page form carries it: texts, or lists of texts. */
const formValue = fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }));

t.test('the public registration page', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.constantFrom(...PAGE_KEYS), formValue, { maxKeys: 8 }), async (fields) => {
      const browser = new Browser(app);
      const page = (await browser.get(`/e/${event.slug}/register`)).body;
      const body = { ...attendee(1), ...fields, _csrf: csrfFrom(page), _form: formNonceFrom(page) ?? '' };
      const encoded = formEncode(body as Record<string, string | string[]>);
      const res = await browser.request({
        method: 'POST',
        url: `/e/${event.slug}/register`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: encoded,
      });
      return expectHealthy(t, res, `page ${encoded.slice(0, 200)}`);
    }),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} page submissions: no 5xx, /healthz answering`);
});

t.test('the API bodies: registrations, events, sessions, the form', async (t) => {
  const builtIn = fc.constantFrom(
    'firstName',
    'lastName',
    'email',
    'organisation',
    'structureType',
    'consent',
    'locale',
  );
  const registration = fc.record({
    overrides: fc.dictionary(builtIn, hostileJson, { maxKeys: 3 }),
    answers: fc.oneof(
      fc.dictionary(fc.constantFrom(...ANSWER_KEYS, 'groupes', 'constructor', '__proto__'), hostileJson, {
        maxKeys: 5,
      }),
      hostileJson,
    ),
  });
  let n = 0;
  await fc.assert(
    fc.asyncProperty(registration, async ({ overrides, answers }) => {
      n++;
      const payload = jsonPayload({ ...attendee(n), consent: true, ...overrides, answers });
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/events/${event.id}/registrations`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload,
      });
      return expectHealthy(t, res, `registration ${payload.slice(0, 200)}`);
    }),
    { numRuns: RUNS * 2 },
  );
  t.pass(`${RUNS * 2} registration bodies: no 5xx, /healthz answering`);

  // The target is registered here, not taken from the random bodies above: whether any of them is accepted depends on the seed.
  const created = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: jsonPayload({ ...attendee(0), email: 'cible@exemple.fr', consent: true, answers: {} }),
  });
  t.equal(created.statusCode, 201, created.body);
  const target = await em().findOneOrFail(Registration, { event: event.id, email: 'cible@exemple.fr' });
  const changeKeys = fc.constantFrom('firstName', 'lastName', 'email', 'organisation', 'structureType', 'status');
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(changeKeys, hostileJson, { maxKeys: 3 }),
      registration,
      async (changes, { answers }) => {
        const payload = jsonPayload({ ...changes, answers });
        const res = await app.inject({
          method: 'PATCH',
          url: `/api/v1/registrations/${target.id}?notify=false`,
          headers: { ...auth, 'content-type': 'application/json' },
          payload,
        });
        return expectHealthy(t, res, `registration change ${payload.slice(0, 200)}`);
      },
    ),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} registration changes: no 5xx, /healthz answering`);

  const eventKeys = fc.constantFrom(
    'title',
    'slug',
    'venue',
    'organiserName',
    'capacity',
    'description',
    'structureTypes',
    'retentionMonths',
    'status',
    'replyTo',
  );
  const sessionKeys = fc.constantFrom('kind', 'title', 'room', 'facilitator', 'capacity', 'topic');
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(eventKeys, hostileJson, { maxKeys: 3 }),
      fc.dictionary(sessionKeys, hostileJson, { maxKeys: 3 }),
      fc.boolean(),
      async (changes, sessionChanges, create) => {
        const session = {
          kind: 'plenary',
          title: 'Plénière',
          startsAt: '2031-03-01T09:00:00Z',
          endsAt: '2031-03-01T10:00:00Z',
          ...sessionChanges,
        };
        const base = create
          ? {
              title: 'Atelier',
              slug: `a-${Math.random().toString(36).slice(2, 10)}`,
              startsAt: '2031-03-01T09:00:00Z',
              endsAt: '2031-03-01T12:00:00Z',
            }
          : {};
        const payload = jsonPayload({ ...base, ...changes, sessions: [session] });
        const res = await app.inject({
          method: create ? 'POST' : 'PATCH',
          url: create ? '/api/v1/events' : `/api/v1/events/${event.id}?notify=false`,
          headers: { ...auth, 'content-type': 'application/json' },
          payload,
        });
        return expectHealthy(t, res, `event ${payload.slice(0, 200)}`);
      },
    ),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} event and session bodies: no 5xx, /healthz answering`);

  const fieldKeys = fc.constantFrom(
    'key',
    'type',
    'label',
    'help',
    'placeholder',
    'options',
    'min',
    'max',
    'maxLength',
    'condition',
    'required',
  );
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fieldKeys, hostileJson, { maxKeys: 3 }), hostileJson, async (field, title) => {
      const payload = jsonPayload({
        sections: [{ title, fields: [{ key: 'q', type: 'text', label: 'Q', ...field }] }],
      });
      const res = await app.inject({
        method: 'PUT',
        url: `/api/v1/events/${event.id}/form`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload,
      });
      return expectHealthy(t, res, `form ${payload.slice(0, 200)}`);
    }),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} form definitions: no 5xx, /healthz answering`);
});

t.test('query strings and paths', async (t) => {
  const queryValue = fc.oneof(hostileString, edgeNumber.map(String));
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.constantFrom('offset', 'limit', 'status', 'structureType', 'notify', 'page'), queryValue, {
        maxKeys: 3,
      }),
      fc.oneof(fc.constant(String(event.id)), queryValue),
      async (query, id) => {
        const search = new URLSearchParams(query as Record<string, string>).toString();
        for (const url of [
          `/api/v1/events/${pathSegment(id)}/registrations?${search}`,
          `/admin/events/${event.id}/registrations?${search}`,
          `/e/${pathSegment(id)}/register?${search}`,
          `/r/${pathSegment(id)}`,
        ]) {
          const res = await app.inject({ url, headers: url.startsWith('/api') ? auth : {} });
          if (!(await expectHealthy(t, res, url.slice(0, 200)))) return false;
        }
        return true;
      },
    ),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} query strings: no 5xx, /healthz answering`);
});

t.test('nothing invalid was stored', async (t) => {
  const registrations = await em().find(Registration, {});
  t.ok(registrations.length > 0, `${registrations.length} registrations stored along the way`);
  for (const r of registrations) {
    for (const value of [r.firstName, r.lastName, r.email, r.organisation, r.structureType])
      if (hasControlCharacters(value) || hasLineBreak(value) || !wellFormed(value))
        t.fail(`registration ${r.id} stores ${JSON.stringify(value)}`);
    const answers = r.answers as Record<string, { value: unknown }>;
    const nombre = answers.nombre?.value;
    if (
      nombre !== undefined &&
      (typeof nombre !== 'number' || nombre < NUMBER_BOUNDS.min || nombre > NUMBER_BOUNDS.max)
    )
      t.fail(`registration ${r.id} stores the number ${JSON.stringify(nombre)}`);
    for (const [key, answer] of Object.entries(answers))
      for (const text of textsIn(answer))
        if (hasControlCharacters(text) || !wellFormed(text))
          t.fail(`registration ${r.id} stores ${JSON.stringify(text)} in ${key}`);
  }
  const events = await em().find(Event, {});
  for (const e of events)
    for (const value of [e.title, e.organiserName ?? '', e.venue ?? '', ...e.structureTypes.map((s) => s.label)])
      if (hasControlCharacters(value) || hasLineBreak(value)) t.fail(`event ${e.id} stores ${JSON.stringify(value)}`);
  const sessions = await em().find(EventSession, {});
  for (const s of sessions)
    if (hasControlCharacters(s.title) || hasLineBreak(s.title))
      t.fail(`session ${s.id} stores ${JSON.stringify(s.title)}`);
  t.pass(`${registrations.length} registrations, ${events.length} events, ${sessions.length} sessions checked`);
});

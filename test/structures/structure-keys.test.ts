import t from 'tap';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { normalizeStructureName } from '../../src/structures/normalize.js';
import { Structure } from '../../src/structures/structure.entity.js';
import { knownStructure, rememberStructureKeysFor } from '../../src/structures/structure-keys.js';
import { ORGANISER, buildTestApp, csrfFrom, signedInOrganiser } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
// Kept for the whole file, whatever the machine's speed: what empties it is what this file checks.
rememberStructureKeysFor(orm, 600_000);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);
const auth = { authorization: `Bearer ${await createApiToken(em(), ORGANISER.email)}` };
const event = await openEvent(em(), { capacity: 50 });

async function viaApi(
  tt: Pick<typeof t, 'equal'>,
  n: number,
  organisation: string,
  extra: Record<string, unknown> = {},
) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...attendee(n), organisation, consent: true, ...extra },
  });
  tt.equal(res.statusCode, 201, res.body);
  return res.json() as { structureId: number; side: string };
}

t.test('a structure kept for registrations follows consent and merges', async (t) => {
  const key = normalizeStructureName('Emmaüs Angers');
  const first = await viaApi(t, 1, 'Emmaüs Angers');
  t.equal(
    knownStructure(orm.em, key),
    undefined,
    'a structure just created is not kept (its insert empties the memory)',
  );
  const second = await viaApi(t, 2, 'Emmaüs Angers');
  t.equal(second.structureId, first.structureId);
  t.match(knownStructure(orm.em, key), { id: first.structureId, directoryConsent: false }, 'found, then kept');
  const third = await viaApi(t, 3, 'Emmaüs Angers');
  t.equal(third.structureId, first.structureId, 'linked from memory');

  // A ticked box on a structure without consent looks it up, to give it.
  const fourth = await viaApi(t, 4, 'Emmaüs Angers', { directoryConsent: true });
  t.equal(fourth.structureId, first.structureId);
  t.ok((await em().findOneOrFail(Structure, { id: first.structureId })).directoryConsent, 'consent given');
  t.equal(knownStructure(orm.em, key), undefined, 'the change empties the memory');

  // Kept again, then merged into another: the next registration goes to the survivor.
  const other = await viaApi(t, 5, 'Emmaüs 49');
  await viaApi(t, 6, 'Emmaüs Angers');
  t.match(knownStructure(orm.em, key), { id: first.structureId, directoryConsent: true });
  const list = await organiser.get('/admin/structures');
  const merged = await organiser.post('/admin/structures/merge', {
    _csrf: csrfFrom(list.body),
    survivor: String(other.structureId),
    structure: [String(other.structureId), String(first.structureId)],
  });
  t.equal(merged.statusCode, 303, merged.body.slice(0, 300));
  t.equal(knownStructure(orm.em, key), undefined, 'the merge empties the memory');
  const late = await viaApi(t, 7, 'Emmaüs Angers');
  t.equal(late.structureId, other.structureId, 'the merged spelling leads to the survivor');
});

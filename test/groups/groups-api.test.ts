import t from 'tap';
import { breakouts, plenaries } from '../../src/events/event-rules.js';
import { findEvent } from '../../src/events/event.service.js';
import { moveToGroup } from '../../src/groups/groups.service.js';
import { loadDemo } from '../../src/demo.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { buildTestApp } from '../support/app.js';
import { openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
await createOrganiser(em(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const token = await createApiToken(em(), 'api@alisee.fr');
const auth = { authorization: `Bearer ${token}` };
const event = await loadDemo(em());
const groups = breakouts(event);
const other = await openEvent(em());

const MIX: [string, number][] = [
  ['travailleur-social', 27],
  ['association', 18],
  ['bailleur-social', 10],
  ['collectivite', 9],
  ['fournisseur-energie', 2],
  ['autre', 4],
];
const ids: number[] = [];
let n = 0;
for (const [type, count] of MIX) {
  for (let i = 0; i < count; i++) {
    n++;
    const answers = n <= 10 ? { groupes: [groups[3].id, groups[2].id] } : {};
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/registrations`,
      headers: auth,
      payload: {
        firstName: `P${n}`,
        lastName: `N${n}`,
        email: `p${n}@exemple.fr`,
        organisation: `Org ${n % 9}`,
        structureType: type,
        consent: true,
        answers,
      },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    ids.push(response.json().id);
  }
}

type Member = { registrationId: number; structureType: string; locked: boolean };
type GroupsJson = {
  groups: {
    id: number;
    title: string;
    capacity: number;
    members: Member[];
    countsByStructureType: Record<string, number>;
    fairShareByStructureType: Record<string, number>;
  }[];
  unassigned: Member[];
  balance: { maxGap: number };
  published: boolean;
  notified: number;
};

const getGroups = async (): Promise<GroupsJson> =>
  (await app.inject({ url: `/api/v1/events/${event.id}/groups`, headers: auth })).json();

t.test('authentication and validation', async (t) => {
  t.equal((await app.inject({ url: `/api/v1/events/${event.id}/groups` })).statusCode, 401);
  const bad = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/assignments/auto`,
    headers: auth,
    payload: { mode: 'some' },
  });
  t.equal(bad.statusCode, 400);
  t.equal((await app.inject({ url: '/api/v1/events/99999/groups', headers: auth })).statusCode, 404);
});

t.test('GET groups before, then the automatic assignment', async (t) => {
  const before = await getGroups();
  t.equal(before.groups.length, 4);
  t.equal(before.unassigned.length, 70);
  t.same(
    before.groups.map((g) => g.members.length),
    [0, 0, 0, 0],
  );
  t.equal(before.published, false);

  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/assignments/auto`,
    headers: auth,
    payload: { mode: 'unassigned' },
  });
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.same(body.report.problems, []);
  // The ten are social workers: balance caps Groupe 4 at ceil(27 × 17 / 70) = 7 of them, the others get their 2nd choice.
  t.equal(body.report.preferences.first, 7, 'as many first choices as balance allows');
  t.equal(body.report.preferences.second, 3, 'the others their second choice');
  t.equal(body.groups.unassigned.length, 0);
  t.ok(body.report.maxGap < 1);
  for (const g of body.groups.groups as GroupsJson['groups']) {
    t.ok(g.members.length <= g.capacity);
    for (const [type, count] of Object.entries(g.countsByStructureType)) {
      t.ok(Math.abs(count - g.fairShareByStructureType[type]) < 1, `${type} in ${g.title}`);
    }
    t.equal(
      Object.values(g.countsByStructureType).reduce((a, b) => a + b, 0),
      g.members.length,
    );
  }
  const chosen = (body.groups.groups as GroupsJson['groups'])
    .filter((g) => g.id === groups[3].id || g.id === groups[2].id)
    .flatMap((g) => g.members);
  for (const id of ids.slice(0, 10))
    t.ok(
      chosen.some((m) => m.registrationId === id),
      `${id} in one of their choices`,
    );
});

t.test("PUT a registration's group: move, lock, errors", async (t) => {
  const state = await getGroups();
  const person = state.groups[0].members[0];
  const url = `/api/v1/registrations/${person.registrationId}/group`;
  const moved = await app.inject({
    method: 'PUT',
    url,
    headers: auth,
    payload: { groupId: groups[1].id, locked: true },
  });
  t.equal(moved.statusCode, 200);
  t.equal(moved.json().locked, true);
  const after = await getGroups();
  t.ok(
    after.groups
      .find((g) => g.id === groups[1].id)!
      .members.some((m) => m.registrationId === person.registrationId && m.locked),
  );

  const plenary = await app.inject({ method: 'PUT', url, headers: auth, payload: { groupId: plenaries(event)[0].id } });
  t.equal(plenary.statusCode, 400);
  t.equal(plenary.json().error, 'group_not_breakout');
  const foreign = await app.inject({ method: 'PUT', url, headers: auth, payload: { groupId: breakouts(other)[0].id } });
  t.equal(foreign.statusCode, 400);
  t.equal(foreign.json().error, 'group_other_event');
  const fork = em();
  const refused = await moveToGroup(
    fork,
    await findEvent(fork, event.id),
    person.registrationId,
    breakouts(other)[0].id,
  )
    .then(() => null)
    .catch((error) => error);
  t.equal(refused?.code, 'group_other_event', 'the service itself refuses a group of another event');
  const missing = await app.inject({ method: 'PUT', url, headers: auth, payload: { groupId: 999_999 } });
  t.equal(missing.statusCode, 400);
  t.equal(missing.json().error, 'group_unknown');
  const malformed = await app.inject({ method: 'PUT', url, headers: auth, payload: { groupId: 'deux' } });
  t.equal(malformed.statusCode, 400);
  t.equal(
    (
      await app.inject({
        method: 'PUT',
        url: '/api/v1/registrations/999999/group',
        headers: auth,
        payload: { groupId: null },
      })
    ).statusCode,
    404,
  );

  // Group 2 now holds 19 after the move... fill it to 20, then one more is refused.
  const target = after.groups.find((g) => g.id === groups[1].id)!;
  const outsiders = after.groups.filter((g) => g.id !== groups[1].id).flatMap((g) => g.members);
  for (let i = target.members.length; i < 20; i++) {
    const r = await app.inject({
      method: 'PUT',
      url: `/api/v1/registrations/${outsiders[i].registrationId}/group`,
      headers: auth,
      payload: { groupId: groups[1].id },
    });
    t.equal(r.statusCode, 200);
  }
  const full = await app.inject({
    method: 'PUT',
    url: `/api/v1/registrations/${outsiders[25].registrationId}/group`,
    headers: auth,
    payload: { groupId: groups[1].id },
  });
  t.equal(full.statusCode, 409);
  t.equal(full.json().error, 'group_full');

  const out = await app.inject({
    method: 'PUT',
    url: `/api/v1/registrations/${outsiders[25].registrationId}/group`,
    headers: auth,
    payload: { groupId: null },
  });
  t.equal(out.statusCode, 200);
  t.equal((await getGroups()).unassigned.length, 1);
});

t.test('a full re-run keeps the locked person; publishing shows the group', async (t) => {
  const locked = (await getGroups()).groups
    .flatMap((g) => g.members.map((m) => ({ ...m, group: g.id })))
    .filter((m) => m.locked);
  t.equal(locked.length, 1);
  const rerun = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/assignments/auto`,
    headers: auth,
    payload: { mode: 'all' },
  });
  t.equal(rerun.statusCode, 200);
  const state = rerun.json().groups as GroupsJson;
  t.ok(
    state.groups
      .find((g) => g.id === locked[0].group)!
      .members.some((m) => m.registrationId === locked[0].registrationId),
  );
  t.equal(state.unassigned.length, 0);
  t.ok(state.balance.maxGap < 1);

  const path = `/r/${(await em().findOneOrFail(Registration, { id: ids[40] })).token}`;
  const before = parseCalendar((await app.inject(`${path}/invite.ics`)).body);
  t.equal(before.events.length, 1, 'only the plenary before publishing');

  t.equal((await getGroups()).notified, 70, 'the API says how many publishing will email');
  const published = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/assignments/publish`,
    headers: auth,
  });
  t.equal(published.statusCode, 200);
  t.equal(published.json().notified, 70);
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'group' }), 70, 'the group email, not an update');
  const again = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/assignments/publish`,
    headers: auth,
  });
  t.equal(again.json().notified, 0, 'publishing again: nobody changed group, nobody is emailed');
  t.equal((await getGroups()).notified, 0);
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'group' }), 70);
  t.equal((await getGroups()).published, true);
  const after = parseCalendar((await app.inject(`${path}/invite.ics`)).body);
  t.equal(after.events.length, 2, 'plenary and group after publishing');
  const group = state.groups.find((g) => g.members.some((m) => m.registrationId === ids[40]))!;
  t.ok(after.events.some((e) => e.summary.includes(group.title)));
});

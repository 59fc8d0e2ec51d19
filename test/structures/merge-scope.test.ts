import t from 'tap';
import { EventMember } from '../../src/access/event-member.entity.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { mergeStructures } from '../../src/structures/merge.js';
import { Structure } from '../../src/structures/structure.entity.js';
import { Browser, ORGANISER, buildTestApp, csrfFrom, signedInOrganiser } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// Structures are the network's, but the registrations are each event's: a merge or a split by one
// organiser must not move the registrations of another organiser's event.
const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const mine = await signedInOrganiser(app);
await createOrganiser(em(), { email: 'autre@exemple.fr', password: 'un-autre-mot-de-passe' });
const myEvent = await openEvent(em(), { title: 'Mon atelier' });
const theirEvent = await openEvent(em(), { title: 'Leur atelier' });
{
  const x = em();
  const me = await x.findOneOrFail(Organiser, { email: ORGANISER.email });
  const them = await x.findOneOrFail(Organiser, { email: 'autre@exemple.fr' });
  await x.nativeDelete(EventMember, {});
  x.create(EventMember, { event: myEvent.id, organiser: me.id, role: 'owner', createdAt: new Date() });
  x.create(EventMember, { event: theirEvent.id, organiser: them.id, role: 'owner', createdAt: new Date() });
  await x.flush();
}

async function register(slug: string, n: number, organisation: string) {
  const res = await new Browser(app).submit(`/e/${slug}/register`, `/e/${slug}/register`, {
    ...attendee(n),
    organisation,
  });
  if (res.statusCode !== 303) throw new Error(`registration ${n}: ${res.statusCode} ${res.body.slice(0, 200)}`);
}
await register(myEvent.slug, 1, 'Association Alpha');
await register(myEvent.slug, 2, 'Association Beta');
await register(theirEvent.slug, 3, 'Association Beta');
const alpha = await em().findOneOrFail(Structure, { name: 'Association Alpha' });
const beta = await em().findOneOrFail(Structure, { name: 'Association Beta' });
const theirs = await em().findOneOrFail(Registration, { event: theirEvent.id });

t.test("a merge that would move another organiser's registrations is refused", async (t) => {
  const list = await mine.get('/admin/structures');
  const refused = await mine.post('/admin/structures/merge', {
    _csrf: csrfFrom(list.body),
    survivor: String(alpha.id),
    structure: [String(beta.id)],
  });
  t.equal(refused.statusCode, 403);
  t.equal((await em().findOneOrFail(Registration, { id: theirs.id })).structure?.id, beta.id, 'theirs not moved');
  t.equal((await em().findOneOrFail(Structure, { id: beta.id })).mergedInto, null);
});

t.test('a merge of a structure only my events use still works', async (t) => {
  const list = await mine.get('/admin/structures');
  const merged = await mine.post('/admin/structures/merge', {
    _csrf: csrfFrom(list.body),
    survivor: String(beta.id),
    structure: [String(alpha.id)],
  });
  t.equal(merged.statusCode, 303);
  t.equal(await em().count(Registration, { structure: alpha.id }), 0);
  const split = await mine.post(`/admin/structures/${alpha.id}/split`, { _csrf: csrfFrom(list.body) });
  t.equal(split.statusCode, 303, 'and I can split it again');
  t.equal(await em().count(Registration, { structure: alpha.id }), 1);
});

t.test("a split that would move another organiser's registrations is refused", async (t) => {
  // Merged by someone allowed to (here, directly): Beta, with their registration, into Alpha.
  await mergeStructures(em(), alpha.id, beta.id);
  t.equal((await em().findOneOrFail(Registration, { id: theirs.id })).structure?.id, alpha.id);
  const page = await mine.get(`/admin/structures/${alpha.id}`);
  const refused = await mine.post(`/admin/structures/${beta.id}/split`, { _csrf: csrfFrom(page.body) });
  t.equal(refused.statusCode, 403);
  t.equal((await em().findOneOrFail(Structure, { id: beta.id })).mergedInto?.id, alpha.id, 'still merged');
});

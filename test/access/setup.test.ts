import t from 'tap';
import { roleOn } from '../../src/access/access.service.js';
import { createOrganiserFromCli, setUpFirstOrganiser, setupOpen } from '../../src/access/setup.service.js';
import { createEvent } from '../../src/events/event.service.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { buildTestApp } from '../support/app.js';

const { orm } = await buildTestApp(t);
const password = 'un-mot-de-passe-solide';
const ownerless = (slug: string) =>
  createEvent(orm.em.fork(), {
    title: 'Atelier sans équipe',
    slug,
    startsAt: new Date('2031-03-06T08:00:00Z'),
    endsAt: new Date('2031-03-06T12:00:00Z'),
  });

t.test('setup creates the first organiser only, who owns the events nobody owns', async (t) => {
  const demo = await ownerless('demo');
  t.ok(await setupOpen(orm.em.fork()));
  const mismatch = setUpFirstOrganiser(orm.em.fork(), {
    email: 'premiere@ccas-angers.fr',
    password,
    passwordConfirmation: 'autre-chose-encore',
  });
  await t.rejects(mismatch, { code: 'validation_failed' });
  t.equal(await orm.em.fork().count(Organiser, {}), 0, 'nothing created on a mismatch');

  const first = await setUpFirstOrganiser(orm.em.fork(), {
    email: 'premiere@ccas-angers.fr',
    password,
    passwordConfirmation: password,
  });
  t.ok(first);
  t.equal(await roleOn(orm.em.fork(), first!.id, demo.id), 'owner', 'the first organiser owns the demo');
  t.notOk(await setupOpen(orm.em.fork()));
  const second = await setUpFirstOrganiser(orm.em.fork(), {
    email: 'seconde@ccas-angers.fr',
    password,
    passwordConfirmation: password,
  });
  t.equal(second, null, 'setup is over once an organiser exists');
  t.equal(await orm.em.fork().count(Organiser, {}), 1);
});

t.test('the command line adds organisers at any time; they own only the events nobody owns', async (t) => {
  const owned = await orm.em.fork().findOneOrFail(Organiser, { email: 'premiere@ccas-angers.fr' });
  const orphan = await ownerless('orphelin');
  const added = await createOrganiserFromCli(orm.em.fork(), { email: 'cli@ccas-angers.fr', password });
  t.equal(await roleOn(orm.em.fork(), added.id, orphan.id), 'owner');
  const demo = await orm.em.fork().getConnection().execute("select id from event where slug = 'demo'");
  t.equal(await roleOn(orm.em.fork(), added.id, Number(demo[0].id)), null, 'the demo already had an owner');
  t.equal(await roleOn(orm.em.fork(), owned.id, orphan.id), null);
});

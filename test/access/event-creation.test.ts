import t from 'tap';
import { createOwnedEvent, roleOn } from '../../src/access/access.service.js';
import { Event } from '../../src/events/event.entity.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createOrganiser } from '../../src/organisers/organiser.service.js';
import { buildTestApp } from '../support/app.js';

const { orm } = await buildTestApp(t);

const input = (slug: string) => ({
  title: 'Atelier du jeudi',
  slug,
  startsAt: new Date('2031-03-06T08:00:00Z'),
  endsAt: new Date('2031-03-06T12:00:00Z'),
});

t.test('whoever creates an event is its owner', async (t) => {
  const em = orm.em.fork();
  const organiser = await createOrganiser(em, { email: 'createur@ccas-angers.fr', password: 'un-mot-de-passe-solide' });
  const event = await createOwnedEvent(em, input('atelier-du-jeudi'), organiser);
  t.equal(await roleOn(orm.em.fork(), organiser.id, event.id), 'owner');
});

t.test('an event whose owner cannot be recorded is not created either (one transaction)', async (t) => {
  const em = orm.em.fork();
  const ghost = em.getReference(Organiser, 987_654);
  await t.rejects(createOwnedEvent(em, input('atelier-sans-proprietaire'), ghost));
  t.equal(await orm.em.fork().count(Event, { slug: 'atelier-sans-proprietaire' }), 0, 'no event without owner');
});

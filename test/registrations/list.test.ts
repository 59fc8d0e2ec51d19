import t from 'tap';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { openEvent } from '../support/events.js';

// The organisers' list of registrations: search, filters and sort in the address (no JavaScript
// needed), a bad address gives a readable message, and the ticked rows can be written to,
// cancelled (after a confirmation) or exported.
const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);
const event = await openEvent(em(), { capacity: 4 });
const people = [
  { firstName: 'Hélène', lastName: 'Dupont', organisation: "CCAS d'Angers", structureType: 'travailleur-social' },
  { firstName: 'Bruno', lastName: 'Albert', organisation: 'Soliha', structureType: 'association' },
  { firstName: 'Chloé', lastName: 'Zola', organisation: 'Angers Loire Habitat', structureType: 'bailleur-social' },
  { firstName: 'Denis', lastName: 'Martin', organisation: 'EDF', structureType: 'fournisseur-energie' },
  { firstName: 'Emma', lastName: 'Bernard', organisation: 'Soliha', structureType: 'association' },
];
for (const [n, p] of people.entries()) {
  const page = `/e/${event.slug}/register`;
  const response = await new Browser(app).submit(page, page, {
    ...p,
    email: `${p.firstName.toLowerCase()}.${n}@exemple.fr`,
    consent: 'yes',
  });
  if (response.statusCode !== 303) throw new Error(`registration ${n}: ${response.statusCode}`);
}
const list = `/admin/events/${event.id}/registrations`;
const all = await em().find(Registration, { event: event.id }, { orderBy: { id: 'asc' } });
const idOf = (lastName: string) => all.find((r) => r.lastName === lastName)!.id;

/** The last names of the list's rows, in the page's order. */
function names(html: string): string[] {
  return [...html.matchAll(/<td class="card-title"><a [^>]+>([^<]+)<\/a>/g)].map((m) => m[1].split(' ')[0]);
}

t.test('counts at the top with real plurals', async (t) => {
  const text = textOf((await organiser.get(list)).body);
  t.match(text, "5 inscriptions : 4 confirmées, 1 en liste d'attente, 0 annulée");
  t.notMatch(text, '(s)');
});

t.test('search by name, email or organisation, ignoring case and accents', async (t) => {
  t.same(names((await organiser.get(`${list}?q=helene`)).body), ['Dupont']);
  t.same(names((await organiser.get(`${list}?q=${encodeURIComponent('denis.3@')}`)).body), ['Martin']);
  t.same(names((await organiser.get(`${list}?q=SOLIHA&sort=name`)).body), ['Albert', 'Bernard']);
  const none = await organiser.get(`${list}?q=personne`);
  t.same(names(none.body), []);
  t.match(textOf(none.body), '0 inscription correspond à la recherche');
});

t.test('filter by status, structure type and group; sort by name, date or organisation', async (t) => {
  t.same(names((await organiser.get(`${list}?status=waitlisted`)).body), ['Bernard']);
  t.same(names((await organiser.get(`${list}?structureType=association&sort=name`)).body), ['Albert', 'Bernard']);
  t.same(names((await organiser.get(`${list}?sort=date`)).body), ['Dupont', 'Albert', 'Zola', 'Martin', 'Bernard']);
  t.same(names((await organiser.get(`${list}?sort=name`)).body), ['Albert', 'Bernard', 'Dupont', 'Martin', 'Zola']);
  t.same(names((await organiser.get(`${list}?sort=organisation`)).body), [
    'Zola',
    'Dupont',
    'Martin',
    'Albert',
    'Bernard',
  ]);
  const withEmpty = await organiser.get(`${list}?q=&status=&structureType=&group=&sort=`);
  t.equal(withEmpty.statusCode, 200, 'the form sends empty filters: all');
  t.equal(names(withEmpty.body).length, 5);
  await organiser.submit(`/admin/events/${event.id}/groups`, `/admin/events/${event.id}/groups/auto`, {});
  const grouped = await em().find(Registration, { event: event.id, group: { $ne: null } }, { populate: ['group'] });
  const groupId = grouped[0].group!.id;
  const inGroup = names((await organiser.get(`${list}?group=${groupId}`)).body);
  t.same(
    inGroup.sort(),
    grouped
      .filter((r) => r.group!.id === groupId)
      .map((r) => r.lastName)
      .sort(),
  );
  t.same(names((await organiser.get(`${list}?group=none`)).body), ['Bernard'], 'the waiting list has no group');
});

t.test('a bad value in the address is a readable message on the list, not an error', async (t) => {
  for (const query of [
    'sort=age',
    'status=paid',
    'structureType=inconnu',
    'group=abc',
    'group=999999',
    'q=x'.repeat(300),
  ]) {
    const response = await organiser.get(`${list}?${query}`);
    t.equal(response.statusCode, 400, query);
    t.match(textOf(response.body), "Ce filtre ou ce tri n'existe pas", query);
    t.equal(names(response.body).length, 5, `${query}: the whole list`);
  }
});

t.test('the ticked rows are exported as CSV', async (t) => {
  const response = await organiser.get(`${list}/selection.csv?ids=${idOf('Zola')}&ids=${idOf('Albert')}`);
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], 'text/csv');
  const lines = response.body.trim().split('\n');
  t.equal(lines.length, 3, 'header and the two ticked people');
  t.match(response.body, 'Zola');
  t.match(response.body, 'Albert');
  t.notMatch(response.body, 'Dupont');
  const empty = await organiser.get(`${list}/selection.csv`);
  t.equal(empty.statusCode, 400);
  t.match(textOf(empty.body), "Aucune inscription n'est cochée");
});

/** Sends the message form (as shown in `formPage`) to these registrations. */
const sendMessage = (formPage: string, registrations: (number | string)[]) =>
  organiser.post(`/admin/events/${event.id}/messages`, {
    _csrf: /name="_csrf" value="([^"]+)"/.exec(formPage)![1],
    batch: /name="batch" value="([^"]+)"/.exec(formPage)![1],
    subject: 'Salle changée',
    body: 'Rendez-vous en salle 2.',
    registrations: registrations.map(String),
  });

t.test('the ticked people get a message, and only them', async (t) => {
  const form = await organiser.get(
    `/admin/events/${event.id}/messages/new?ids=${idOf('Dupont')}&ids=${idOf('Martin')}`,
  );
  t.equal(form.statusCode, 200);
  t.match(textOf(form.body), 'Destinataires : les 2 personnes cochées');
  const before = await em().count(OutboxMessage, { event: event.id, kind: 'message' });
  const sent = await sendMessage(form.body, [idOf('Dupont'), idOf('Martin')]);
  t.equal(sent.statusCode, 303);
  const messages = await em().find(OutboxMessage, { event: event.id, kind: 'message' });
  t.equal(messages.length - before, 2);
  t.same(messages.map((m) => m.registration?.id).sort(), [idOf('Dupont'), idOf('Martin')].sort());
});

t.test('a message to more people than the list can tick is refused, nothing queued', async (t) => {
  const form = await organiser.get(`/admin/events/${event.id}/messages/new?ids=${idOf('Dupont')}`);
  const before = await em().count(OutboxMessage, { event: event.id, kind: 'message' });
  const refused = await sendMessage(
    form.body,
    Array.from({ length: 5001 }, (_, i) => i + 1),
  );
  t.equal(refused.statusCode, 400);
  t.match(textOf(refused.body), /Destinataires : 5\s?000 personnes au plus par message/);
  t.match(refused.body, 'href="#field-registrations"', 'the summary links to the way back');
  t.match(refused.body, 'id="field-registrations"');
  t.notMatch(refused.body, 'name="registrations"', 'no form holding part of the people');
  t.match(textOf(refused.body), 'Revenir à la liste des inscriptions');

  const unreadable = await sendMessage(form.body, ['abc', idOf('Dupont')]);
  t.equal(unreadable.statusCode, 400, 'an id that is not a number: the form again, not an error page');
  t.match(textOf(unreadable.body), 'Choisissez une des réponses proposées');
  t.match(unreadable.body, `name="registrations" value="${idOf('Dupont')}"`, 'the readable ids are kept');
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'message' }), before);
});

t.test('cancelling the ticked registrations asks first, then cancels them', async (t) => {
  const ids = [idOf('Zola'), idOf('Albert')];
  const confirm = await organiser.get(`${list}/cancel?ids=${ids[0]}&ids=${ids[1]}`);
  t.equal(confirm.statusCode, 200);
  t.match(textOf(confirm.body), 'Annuler les inscriptions de ces 2 personnes ?');
  t.equal(await em().count(Registration, { id: { $in: ids }, status: 'cancelled' }), 0, 'nothing yet');
  const done = await organiser.submit(`${list}/cancel?ids=${ids[0]}&ids=${ids[1]}`, `${list}/cancel`, {
    ids: ids.map(String),
  });
  t.equal(done.statusCode, 303);
  t.equal(await em().count(Registration, { id: { $in: ids }, status: 'cancelled' }), 2);
  const page = textOf((await organiser.get(list)).body);
  t.match(page, '2 inscriptions annulées.');
  t.match(page, "5 inscriptions : 3 confirmées, 0 en liste d'attente, 2 annulées", 'the waiting person got a seat');
});

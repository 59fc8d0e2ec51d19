import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { searchKey } from '../../src/registrations/check-in.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel, register } from '../../src/registrations/registration.service.js';
import { NNBSP } from '../../src/reports/percentages.js';
import { Browser, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };

const em = orm.em.fork();
// Full: 4 seats, 4 confirmed, 1 waiting.
const event = await openEvent(em, { capacity: 4 });
const helene = await register(em, event, {
  ...attendee(1, 'travailleur-social'),
  firstName: 'Hélène',
  lastName: 'Dupont',
  organisation: 'CCAS Angers',
});
const marc = await register(em, event, {
  ...attendee(2, 'association'),
  firstName: 'Marc',
  lastName: 'Durand',
  organisation: 'Alisée',
});
await register(em, event, {
  ...attendee(3, 'association'),
  firstName: 'Zoé',
  lastName: 'Martin',
  organisation: 'Secours populaire',
});
await register(em, event, {
  ...attendee(4, 'bailleur-social'),
  firstName: 'Paul',
  lastName: 'Élie',
  organisation: 'Podeliha',
});
const waiting = await register(em, event, {
  ...attendee(5, 'collectivite'),
  firstName: 'Jeanne',
  lastName: 'Attente',
  organisation: 'Mairie',
});
const url = `/admin/events/${event.id}/check-in`;

const names = (html: string) => [...html.matchAll(/<p class="check-in-name">([^<]*)<\/p>/g)].map((m) => textOf(m[1]));
const fresh = () => orm.em.fork().findOneOrFail(Registration, { id: helene.id });

t.test(
  'the list shows everyone in name order, with their presence and, when not confirmed, their status',
  async (t) => {
    const res = await organiser.get(url);
    t.equal(res.statusCode, 200);
    t.same(
      names(res.body),
      ['Attente Jeanne', 'Dupont Hélène', 'Durand Marc', 'Élie Paul', 'Martin Zoé'],
      'the waiting list too, French order',
    );
    const jeanne = new RegExp(`<li id="r-${waiting.id}"[\\s\\S]*?</li>`).exec(res.body)![0];
    t.match(textOf(jeanne), "Cette personne est sur liste d'attente");
    t.match(jeanne, /Admettre et marquer présent<span class="visually-hidden"> : Jeanne Attente<\/span>/);
    t.match(textOf(res.body), '0 présent sur 4 inscrits confirmés');
    t.match(res.body, `id="r-${helene.id}"`, 'an anchor per person');
    t.match(
      res.body,
      /<button type="submit" class="button button-large">Présent<span class="visually-hidden"> : Hélène Dupont<\/span><\/button>/,
      'one big button, named for screen readers',
    );
    t.equal((await app.inject({ url })).statusCode, 303, 'organisers only');
  },
);

t.test('search by name ignores case and accents and matches word starts', async (t) => {
  t.same(names((await organiser.get(`${url}?q=helene`)).body), ['Dupont Hélène']);
  t.same(names((await organiser.get(`${url}?q=${encodeURIComponent('DU')}`)).body), ['Dupont Hélène', 'Durand Marc']);
  t.same(names((await organiser.get(`${url}?q=elie`)).body), ['Élie Paul']);
  t.same(names((await organiser.get(`${url}?q=alisee`)).body), ['Durand Marc'], 'by organisation too');
  t.same(
    names((await organiser.get(`${url}?q=${encodeURIComponent('dur mar')}`)).body),
    ['Durand Marc'],
    'every word must match',
  );
  t.same(names((await organiser.get(`${url}?q=attente`)).body), ['Attente Jeanne'], 'the waiting list too');
  const none = await organiser.get(`${url}?q=${encodeURIComponent('<script>')}`);
  t.match(textOf(none.body), 'Personne ne correspond');
  t.notMatch(none.body, '<script>');
  t.equal(searchKey("Hélène D'Aubigné-Œuf"), 'helene d aubigne oeuf');
});

t.test('marking present returns to the same search and person; undo; a double tap is harmless', async (t) => {
  const page = await organiser.get(`${url}?q=du`);
  const token = csrfFrom(page.body);
  const present = await organiser.post(`${url}/${helene.id}`, { _csrf: token, q: 'du', present: '1' });
  t.equal(present.statusCode, 303);
  t.equal(present.headers.location, `${url}?q=du#r-${helene.id}`);
  const arrived = (await fresh()).checkedInAt;
  t.ok(arrived, 'checked in');

  const again = await organiser.post(`${url}/${helene.id}`, { _csrf: token, q: 'du', present: '1' });
  t.equal(again.statusCode, 303);
  t.same((await fresh()).checkedInAt, arrived, 'the first arrival time is kept');

  const list = await organiser.get(`${url}?q=du`);
  t.match(textOf(list.body), '1 présent sur 4');
  t.match(list.body, /Annuler la présence<span class="visually-hidden"> : Hélène Dupont/);
  t.match(textOf(list.body), 'Arrivée à');
  t.notMatch(textOf(list.body), '(e)', 'no "(e)" forms');
  t.match(textOf(list.body), 'La présence est enregistrée.', 'a one-time notice after the tap');

  const undo = await organiser.post(`${url}/${helene.id}`, { _csrf: token, q: '', present: '0' });
  t.equal(undo.headers.location, `${url}#r-${helene.id}`);
  t.equal((await fresh()).checkedInAt, null, 'presence undone');
  t.match(textOf((await organiser.get(String(undo.headers.location))).body), 'La présence est retirée.');
});

t.test(
  'check-in is refused without the CSRF token, as an undo for someone waiting, or from another event',
  async (t) => {
    const noToken = await organiser.post(`${url}/${marc.id}`, { present: '1' });
    t.equal(noToken.statusCode, 403);
    const token = csrfFrom((await organiser.get(url)).body);
    const waitingRes = await organiser.post(`${url}/${waiting.id}`, { _csrf: token, present: '0' });
    t.equal(waitingRes.statusCode, 409);
    t.match(textOf(waitingRes.body), 'Seule une inscription confirmée');
    t.equal((await orm.em.fork().findOneOrFail(Registration, { id: waiting.id })).status, 'waitlisted');
    const other = await openEvent(orm.em.fork());
    const elsewhere = await organiser.post(`/admin/events/${other.id}/check-in/${marc.id}`, {
      _csrf: token,
      present: '1',
    });
    t.equal(elsewhere.statusCode, 404);
    t.equal((await organiser.post(`${url}/abc`, { _csrf: token, present: '1' })).statusCode, 404);
    t.equal((await orm.em.fork().findOneOrFail(Registration, { id: marc.id })).checkedInAt, null);
  },
);

t.test('a walk-in is recorded present even when the event is full, without touching the waiting list', async (t) => {
  const res = await organiser.submit(url, `${url}/walk-in`, {
    firstName: 'Nadia',
    lastName: 'Sansinscription',
    organisation: 'EDF',
    structureType: 'fournisseur-energie',
    email: '',
    consent: 'yes',
  });
  t.equal(res.statusCode, 303);
  const walkIn = await orm.em.fork().findOneOrFail(Registration, { event: event.id, lastName: 'Sansinscription' });
  t.equal(res.headers.location, `${url}?q=Sansinscription#r-${walkIn.id}`);
  t.equal(walkIn.status, 'confirmed');
  t.ok(walkIn.checkedInAt, 'present');
  t.equal(walkIn.email, '');
  t.match(walkIn.emailKey, /^walk-in:[0-9a-f-]{36}$/, 'a placeholder key keeps the per-event uniqueness');
  const page = await organiser.get(String(res.headers.location));
  t.match(textOf(page.body), 'Nadia Sansinscription : inscription et présence enregistrées.');

  const second = await organiser.submit(url, `${url}/walk-in`, {
    firstName: 'Omar',
    lastName: 'Sansmail',
    organisation: 'Mairie',
    structureType: 'collectivite',
    consent: 'yes',
  });
  t.equal(second.statusCode, 303, 'a second walk-in without email');
  const withEmail = await organiser.submit(url, `${url}/walk-in`, {
    firstName: 'Inès',
    lastName: 'Avecmail',
    organisation: 'CAF',
    structureType: 'institution',
    email: 'Ines@Caf.fr',
    consent: 'yes',
  });
  t.equal(withEmail.statusCode, 303);

  const saved = await orm.em.fork().findOneOrFail(Event, { id: event.id });
  t.equal(saved.confirmedCount, 7, 'over capacity (4): walk-ins are counted as confirmed');
  t.equal(
    await orm.em.fork().count(Registration, { event: event.id, status: 'waitlisted' }),
    1,
    'the waiting list is unchanged',
  );
  t.equal((await orm.em.fork().findOneOrFail(Registration, { id: waiting.id })).status, 'waitlisted');

  // Cancelling a walk-in gives back what it took; the count stays the number of confirmed registrations.
  const omar = await orm.em.fork().findOneOrFail(Registration, { lastName: 'Sansmail' });
  await cancel(orm.em.fork(), omar);
  const after = await orm.em.fork().findOneOrFail(Event, { id: event.id });
  t.equal(after.confirmedCount, await orm.em.fork().count(Registration, { event: event.id, status: 'confirmed' }));
});

t.test('walk-in form errors are shown beside the fields', async (t) => {
  const res = await organiser.submit(url, `${url}/walk-in`, {
    firstName: '',
    lastName: 'X',
    organisation: 'Y',
    structureType: 'nope',
    email: 'pas-une-adresse',
  });
  t.equal(res.statusCode, 400);
  const text = textOf(res.body);
  t.match(text, 'Le formulaire contient 4 erreurs');
  t.match(res.body, 'id="field-firstName-error"');
  t.match(res.body, 'id="field-structureType-error"');
  t.match(res.body, 'id="field-email-error"');
  t.match(text, "L'accord de la personne est nécessaire");
  t.match(res.body, 'value="X"', 'values kept');

  const duplicate = await organiser.submit(url, `${url}/walk-in`, {
    firstName: 'Hélène',
    lastName: 'Dupont',
    organisation: 'CCAS',
    structureType: 'travailleur-social',
    email: 'PERSONNE1@exemple.fr',
    consent: 'yes',
  });
  t.equal(duplicate.statusCode, 409);
  t.match(textOf(duplicate.body), 'Cette adresse est déjà inscrite à cet événement');
});

t.test('the breakdown then shows registered versus present', async (t) => {
  const token = csrfFrom((await organiser.get(url)).body);
  await organiser.post(`${url}/${marc.id}`, { _csrf: token, present: '1' });
  await organiser.post(`${url}/${helene.id}`, { _csrf: token, present: '1' });
  // Present now: Nadia and Inès (walk-ins), Marc, Hélène. Confirmed: the 4 registered + Nadia + Inès.
  const api = (await app.inject({ url: `/api/v1/events/${event.id}/breakdown`, headers: auth })).json();
  t.equal(api.total, 6);
  t.equal(api.present.total, 4);
  const presentBy = Object.fromEntries(
    api.present.byStructureType.map((r: { key: string; count: number; percent: number }) => [
      r.key,
      [r.count, r.percent],
    ]),
  );
  t.same(presentBy['travailleur-social'], [1, 25]);
  t.same(presentBy.association, [1, 25]);
  t.same(presentBy['fournisseur-energie'], [1, 25]);
  t.same(presentBy.institution, [1, 25]);
  t.same(presentBy['bailleur-social'], [0, 0]);

  const onlyPresent = (
    await app.inject({ url: `/api/v1/events/${event.id}/breakdown?status=present`, headers: auth })
  ).json();
  t.equal(onlyPresent.total, 4);
  t.match(onlyPresent.sentence, /^4 participants, dont 25/);

  const page = await organiser.get(`/admin/events/${event.id}/report`);
  t.match(textOf(page.body), '4 présents pour 6 inscrits confirmés.');
  const compared = /<table[^>]*id="compared-table"[\s\S]*?<\/table>/.exec(page.body)![0];
  const social = [...compared.matchAll(/<tr><th scope="row">Travailleur social<\/th>([\s\S]*?)<\/tr>/g)][0][1];
  t.same(
    [...social.matchAll(/<td class="num"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]),
    ['1', `17${NNBSP}%`, '1', `25${NNBSP}%`, '0', `0${NNBSP}%`, '0', `0${NNBSP}%`],
    'confirmed, present, waiting, cancelled',
  );

  const csv = (await organiser.get(`/admin/events/${event.id}/registrations.csv`)).body;
  t.match(csv, /;Hélène;[^\r\n]*;oui;\d{4}-\d\d-\d\d \d\d:\d\d;/, 'presence and arrival time in the export');
});

t.test(
  'someone waiting or who cancelled is admitted by marking them present, and emailed as anyone confirmed',
  async (t) => {
    const confirmedBefore = (await orm.em.fork().findOneOrFail(Event, { id: event.id })).confirmedCount;
    const token = csrfFrom((await organiser.get(url)).body);
    const res = await organiser.post(`${url}/${waiting.id}`, { _csrf: token, q: '', present: '1' });
    t.equal(res.statusCode, 303);
    const jeanne = await orm.em.fork().findOneOrFail(Registration, { id: waiting.id });
    t.equal(jeanne.status, 'confirmed');
    t.ok(jeanne.checkedInAt, 'present');
    t.match(textOf((await organiser.get(String(res.headers.location))).body), 'La personne est admise');
    const again = await organiser.post(`${url}/${waiting.id}`, { _csrf: token, q: '', present: '1' });
    t.equal(again.statusCode, 303, 'a double tap is harmless');
    t.equal((await orm.em.fork().findOneOrFail(Event, { id: event.id })).confirmedCount, confirmedBefore + 1);
    const mails = await orm.em.fork().find(OutboxMessage, { registration: waiting.id, kind: 'confirmation' });
    t.equal(mails.length, 1, 'one confirmation');
    t.equal(mails[0].icsMethod, 'REQUEST', 'with the invite');

    // Zoé cancels, then turns up; her address typed in the walk-in form admits her too.
    const zoe = await orm.em.fork().findOneOrFail(Registration, { event: event.id, lastName: 'Martin' });
    await cancel(orm.em.fork(), zoe);
    const list = await organiser.get(`${url}?q=martin`);
    t.match(textOf(list.body), 'Cette personne avait annulé son inscription');
    const walkIn = await organiser.submit(url, `${url}/walk-in`, {
      firstName: 'Zoé',
      lastName: 'Martin',
      organisation: 'Secours populaire',
      structureType: 'association',
      email: attendee(3).email.toUpperCase(),
      consent: 'yes',
    });
    t.equal(walkIn.statusCode, 303, 'not refused as already registered');
    const back = await orm.em.fork().findOneOrFail(Registration, { id: zoe.id });
    t.equal(back.status, 'confirmed');
    t.ok(back.checkedInAt);
    t.equal(
      await orm.em.fork().count(Registration, { event: event.id, lastName: 'Martin' }),
      1,
      'the same registration',
    );
  },
);

t.test('a walk-in who gives an address gets the confirmation anyone registered gets', async (t) => {
  const ines = await orm.em.fork().findOneOrFail(Registration, { event: event.id, lastName: 'Avecmail' });
  const mails = await orm.em.fork().find(OutboxMessage, { registration: ines.id });
  t.same(
    mails.map((m) => [m.kind, m.recipient, m.icsMethod]),
    [['confirmation', 'Ines@Caf.fr', 'REQUEST']],
  );
  t.match(mails[0].text, `/r/${ines.token}`, 'their private link');
  const nadia = await orm.em.fork().findOneOrFail(Registration, { event: event.id, lastName: 'Sansinscription' });
  t.equal(await orm.em.fork().count(OutboxMessage, { registration: nadia.id }), 0, 'none without an address');
});

t.test('the check-in page works for another browser and language', async (t) => {
  const anonymous = new Browser(app);
  t.equal((await anonymous.get(url)).statusCode, 303);
  const en = await organiser.get(`${url}?lang=en`);
  t.match(textOf(en.body), 'present out of');
  await organiser.get('/admin?lang=fr');
});

import t from 'tap';
import { breakouts } from '../../src/events/event-rules.js';
import { loadDemo } from '../../src/demo.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const browser = await signedInOrganiser(app);
const event = await loadDemo(em());
const groups = breakouts(event);
const base = `/admin/events/${event.id}/groups`;

// The 2013 workshop: 70 confirmed registrations in the seed's proportions; the first 24 rank two groups.
const MIX: [string, number][] = [
  ['travailleur-social', 27],
  ['association', 18],
  ['bailleur-social', 10],
  ['collectivite', 9],
  ['fournisseur-energie', 2],
  ['autre', 4],
];
const people: Registration[] = [];
const preferred = new Map<number, number>();
let n = 0;
for (const [type, count] of MIX) {
  for (let i = 0; i < count; i++) {
    n++;
    const answers: Record<string, string> = {};
    if (n <= 24) {
      answers['groupes.1'] = String(groups[n % 4].id);
      answers['groupes.2'] = String(groups[(n + 1) % 4].id);
    }
    const r = await register(em(), event, { ...attendee(n, type), ...answers });
    if (n <= 24) preferred.set(r.id, groups[n % 4].id);
    people.push(r);
  }
}

async function current() {
  return em().find(
    Registration,
    { event: event.id, status: 'confirmed' },
    { populate: ['group'], orderBy: { id: 'asc' } },
  );
}

function checkBalance(t: { ok(value: boolean, message: string): unknown }, list: Registration[]) {
  const total = list.filter((r) => r.group).length;
  const sizes = new Map(groups.map((g) => [g.id, list.filter((r) => r.group?.id === g.id).length]));
  for (const [type] of MIX) {
    const ofType = list.filter((r) => r.structureType === type && r.group).length;
    for (const g of groups) {
      const count = list.filter((r) => r.structureType === type && r.group?.id === g.id).length;
      const fair = (ofType * sizes.get(g.id)!) / total;
      t.ok(Math.abs(count - fair) < 1, `${type} in ${g.title}: ${count} vs fair share ${fair.toFixed(2)}`);
    }
  }
}

t.test('the groups page before any assignment', async (t) => {
  const page = await browser.get(base);
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  t.match(text, 'Inscrits confirmés sans groupe (70)');
  t.match(text, 'Brouillon');
  for (const g of groups) t.match(text, g.title);
  t.match(text, "CCAS d'Angers");
  t.match(text, 'Salle 3');
  const eventPage = await browser.get(`/admin/events/${event.id}`);
  t.match(eventPage.body, `href="${base}"`, 'linked from the event page');
});

t.test('automatic assignment of the 70: balanced, preferences honoured, report shown', async (t) => {
  const posted = await browser.submit(base, `${base}/auto`, { mode: 'unassigned' });
  t.equal(posted.statusCode, 303, 'post/redirect/get: refreshing the page shown next does not run it again');
  t.equal(posted.headers.location, `${base}?result=unassigned#result-title`);
  const response = await browser.get(`${base}?result=unassigned`);
  const text = textOf(response.body);
  t.match(text, 'Résultat de la répartition');
  t.match(text, 'Toutes les contraintes sont respectées');
  t.match(text, 'Inscrits confirmés sans groupe (0)');
  const list = await current();
  t.equal(list.filter((r) => r.group).length, 70, 'everybody placed');
  for (const g of groups) t.ok(list.filter((r) => r.group?.id === g.id).length <= 20, 'capacity kept');
  checkBalance(t, list);
  const firsts = list.filter((r) => preferred.get(r.id) === r.group?.id).length;
  t.match(text, `${firsts} personnes ont eu leur 1er choix`);
  t.ok(firsts >= 20, `most of the 24 got their first choice (${firsts})`);
  // Per group counts and gaps on the page.
  t.match(response.body, /<caption>Répartition par type de structure<\/caption>/);
});

t.test('a problem is told in plain French', async (t) => {
  const extra = await em().findOneOrFail(Registration, { id: people[0].id });
  t.ok(extra);
  // 4 × 20 = 80 seats; with 70 confirmed nothing is short. Lower a group to make the seats short.
  const conn = orm.em.fork().getConnection();
  await conn.execute('update event_session set capacity = 5 where id = ?', [groups[0].id]);
  await browser.submit(base, `${base}/auto`, { mode: 'all' });
  const response = await browser.get(`${base}?result=all`);
  t.match(textOf(response.body), 'Les groupes ont 65 places mais 70 inscrits sont confirmés');
  await conn.execute('update event_session set capacity = 20 where id = ?', [groups[0].id]);
  await browser.submit(base, `${base}/auto`, { mode: 'all' });
  const again = await browser.get(`${base}?result=all`);
  t.match(textOf(again.body), 'Toutes les contraintes sont respectées');
  t.match(textOf(again.body), 'La répartition automatique est faite.', 'a notice above the report');
  checkBalance(t, await current());
});

t.test('refreshing the result does not assign again', async (t) => {
  const late = await register(em(), event, attendee(100, 'autre'));
  const page = await browser.get(`${base}?result=unassigned`);
  t.match(textOf(page.body), 'Résultat de la répartition');
  t.match(textOf(page.body), 'Inscrits confirmés sans groupe (1)', 'the newcomer is still without a group');
  t.equal((await em().findOneOrFail(Registration, { id: late.id }, { populate: ['group'] })).group, null);
  await browser.submit(base, `${base}/move`, { registrationId: String(late.id), groupId: String(groups[3].id) });
});

t.test("each person's wishes beside the control that moves them; one lock control each, labelled", async (t) => {
  const html = (await browser.get(base)).body;
  const list = await current();
  const wisher = list.find((r) => preferred.has(r.id))!;
  const first = groups.find((g) => g.id === preferred.get(wisher.id))!;
  const control = new RegExp(
    `<select id="move-${wisher.id}" name="groupId" aria-describedby="wish-${wisher.id}">[\\s\\S]*?</select>\\s*<p class="help group-wish" id="wish-${wisher.id}">([^<]*)</p>`,
  ).exec(html);
  t.ok(control, 'the wishes follow the select, which points to them');
  t.match(textOf(control![1]), `Vœux : 1er choix : ${first.title} ; 2e choix :`);
  const without = list.find((r) => !preferred.has(r.id))!;
  t.match(html, `id="wish-${without.id}">Pas de vœu exprimé</p>`);
  t.equal((html.match(/name="locked"/g) ?? []).length, list.length, 'one lock control per person');
  t.notMatch(html, `${base}/lock"`, 'no second lock form');
  t.match(textOf(html), `Verrouiller ${wisher.firstName} ${wisher.lastName} dans ce groupe`);
});

t.test('manual move with lock, lock/unlock, swap, without JavaScript', async (t) => {
  const before = await current();
  const a = before[0];
  const target = groups.find((g) => g.id !== a.group!.id)!;
  let response = await browser.submit(base, `${base}/move`, {
    registrationId: String(a.id),
    groupId: String(target.id),
    locked: '1',
  });
  t.equal(response.statusCode, 303);
  let moved = await em().findOneOrFail(Registration, { id: a.id }, { populate: ['group'] });
  t.equal(moved.group?.id, target.id);
  t.equal(moved.groupLocked, true);
  const page = textOf((await browser.get(base)).body);
  t.match(page, `${a.firstName} ${a.lastName} — ${a.organisation}`);
  t.match(page, '(verrouillé)');
  t.match(page, 'La personne est changée de groupe.', 'the move leaves a notice');

  response = await browser.submit(base, `${base}/lock`, { registrationId: String(a.id), locked: '0' });
  t.equal(response.statusCode, 303);
  moved = await em().findOneOrFail(Registration, { id: a.id });
  t.equal(moved.groupLocked, false, 'unlocked');
  t.match(textOf((await browser.get(base)).body), "La personne n'est plus verrouillée dans son groupe.");
  await browser.submit(base, `${base}/lock`, { registrationId: String(a.id), locked: '1' });
  t.equal((await em().findOneOrFail(Registration, { id: a.id })).groupLocked, true, 'locked again');

  const b = before.find((r) => r.id !== a.id && r.group && r.group.id !== target.id)!;
  response = await browser.submit(base, `${base}/swap`, { first: String(a.id), second: String(b.id) });
  t.equal(response.statusCode, 303);
  const [a2, b2] = await Promise.all(
    [a.id, b.id].map((id) => em().findOneOrFail(Registration, { id }, { populate: ['group'] })),
  );
  t.equal(a2.group?.id, b.group!.id);
  t.equal(b2.group?.id, target.id);

  const same = await browser.submit(base, `${base}/swap`, { first: String(a.id), second: String(a.id) });
  t.equal(same.statusCode, 400);
  t.match(textOf(same.body), 'Choisissez deux personnes différentes');

  // A full group refuses a move.
  const full = groups.find((g) => g.id !== a2.group!.id)!;
  await orm.em.fork().getConnection().execute('update event_session set capacity = 1 where id = ?', [full.id]);
  const refused = await browser.submit(base, `${base}/move`, {
    registrationId: String(a.id),
    groupId: String(full.id),
  });
  t.equal(refused.statusCode, 409);
  t.match(textOf(refused.body), 'Ce groupe est complet');
  await orm.em.fork().getConnection().execute('update event_session set capacity = 20 where id = ?', [full.id]);
});

t.test('re-run on the unassigned keeps everybody placed; a full re-run keeps the locked', async (t) => {
  const before = await current();
  const lateA = await register(em(), event, attendee(101, 'association'));
  const lateB = await register(em(), event, attendee(102, 'collectivite'));
  await browser.submit(base, `${base}/auto`, { mode: 'unassigned' });
  const after = await current();
  for (const r of before) t.equal(after.find((x) => x.id === r.id)!.group?.id, r.group?.id, `${r.id} kept`);
  t.ok(after.find((x) => x.id === lateA.id)!.group);
  t.ok(after.find((x) => x.id === lateB.id)!.group);

  const locked = after.filter((r) => r.groupLocked);
  t.ok(locked.length >= 1);
  await browser.submit(base, `${base}/auto`, { mode: 'all' });
  const redone = await current();
  for (const r of locked) t.equal(redone.find((x) => x.id === r.id)!.group?.id, r.group?.id, 'locked kept');
  t.equal(redone.filter((r) => r.group).length, 73);
});

t.test('publishing: the group is hidden before, shown after, and sent to each attendee', async (t) => {
  const someone = (await current()).find((r) => !preferred.has(r.id) && r.group)!;
  const groupTitle = someone.group!.title;
  const manage = textOf((await app.inject(`/r/${someone.token}`)).body);
  t.notMatch(manage, 'Groupe de travail', 'no group on the page before publishing');
  let ics = parseCalendar((await app.inject(`/r/${someone.token}/invite.ics`)).body);
  t.notOk(
    ics.events.some((e) => e.summary.includes(groupTitle)),
    'no group in the invite before',
  );
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'update' }), 0);

  const page = await browser.get(base);
  t.match(textOf(page.body), 'Publier la répartition (73 participants concernés)');
  const response = await browser.submit(base, `${base}/publish`, {});
  t.equal(response.statusCode, 303);
  t.match(
    textOf((await browser.get(response.headers.location as string)).body),
    'Répartition publiée ; 73 participants prévenus.',
  );
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'group' }), 73, 'one group email each');
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'update' }), 0, 'no "change of time or place"');
  const mail = await em().findOneOrFail(OutboxMessage, { event: event.id, kind: 'group', registration: someone.id });
  t.match(mail.ics ?? '', groupTitle);
  t.match(mail.subject, 'Votre groupe de travail');
  t.match(mail.text, groupTitle);
  t.match(mail.text, 'Animation :');

  // Publishing again tells nobody: no group changed since the invites.
  t.match(textOf((await browser.get(base)).body), 'Publier à nouveau (aucun changement : personne ne sera prévenu)');
  await browser.submit(base, `${base}/publish`, {});
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'group' }), 73, 'no email the second time');

  t.match(textOf((await app.inject(`/r/${someone.token}`)).body), `Groupe de travail ${groupTitle}`);
  ics = parseCalendar((await app.inject(`/r/${someone.token}/invite.ics`)).body);
  t.ok(
    ics.events.some((e) => e.summary.includes(groupTitle)),
    'group in the invite after',
  );

  // A change after publishing is sent to that person only.
  const other = groups.find((g) => g.id !== someone.group!.id && g.capacity! > 0)!;
  await orm.em.fork().getConnection().execute('update event_session set capacity = 30 where id = ?', [other.id]);
  await browser.submit(base, `${base}/move`, { registrationId: String(someone.id), groupId: String(other.id) });
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'group' }), 74);
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'group', registration: someone.id }), 2);
  t.equal(
    await em().count(OutboxMessage, { event: event.id, kind: 'session_cancelled', registration: someone.id }),
    1,
    'the group they left is withdrawn from their calendar',
  );
});

t.test('printable list, sign-in sheet and CSV', async (t) => {
  const g = groups[1];
  const members = (await current()).filter((r) => r.group?.id === g.id);
  const print = await browser.get(`${base}/${g.id}/print`);
  t.equal(print.statusCode, 200);
  const text = textOf(print.body);
  t.match(text, g.title);
  t.match(text, g.facilitator);
  t.match(text, g.room);
  t.match(text, '10:45');
  for (const m of members) t.match(text, `${m.lastName} ${m.firstName} ${m.organisation}`);
  const sheet = await browser.get(`${base}/${g.id}/sign-in`);
  t.equal(sheet.statusCode, 200);
  t.match(textOf(sheet.body), "Feuille d'émargement — Groupe 2");
  t.match(sheet.body, /<th scope="col" class="signature">Signature<\/th>/);
  t.equal((sheet.body.match(/<td class="signature"><\/td>/g) ?? []).length, members.length);
  t.equal((await browser.get(`${base}/99999/print`)).statusCode, 404);

  const csv = await browser.get(`${base}.csv`);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], 'text/csv');
  t.ok(csv.body.startsWith('\uFEFFGroupe;Salle;Animation;Nom;Prénom;'));
  const lines = csv.body.trim().split('\r\n');
  t.equal(lines.length, 1 + 73);
  t.ok(lines.some((l) => l.startsWith(`${g.title};${g.room};`)));

  const css = await app.inject('/static/app.css');
  t.match(css.body, /@page \{ size: A4/);
  t.match(css.body, /thead \{ display: table-header-group; \}/);
});

t.test('cancelling frees the seat in the group', async (t) => {
  const someone = (await current())[5];
  t.ok(someone.group);
  await browser.submit(`/r/${someone.token}/cancel`, `/r/${someone.token}/cancel`, {});
  const after = await em().findOneOrFail(Registration, { id: someone.id }, { populate: ['group'] });
  t.equal(after.status, 'cancelled');
  t.equal(after.group, null);
});

import t from 'tap';
import { findEvent } from '../../src/events/event.service.js';
import { autoAssign, moveToGroup, publishAssignments } from '../../src/groups/groups.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel } from '../../src/registrations/registration.service.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';

// Through an edition's life: waiting list, cancellation and re-registration, promotion after publication.
const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@ccas-angers.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@ccas-angers.fr')}` };
const em = () => orm.em.fork();

async function registerThroughForm(slug: string, n: number, structureType?: string) {
  const res = await new Browser(app).submit(`/e/${slug}/register`, `/e/${slug}/register`, attendee(n, structureType));
  return res;
}
const byEmail = (eventId: number, n: number) =>
  em().findOneOrFail(Registration, { event: eventId, emailKey: attendee(n).email }, { populate: ['group'] });
const mailsOf = (id: number) => em().find(OutboxMessage, { registration: id }, { orderBy: { id: 'asc' } });

t.test('the waiting list gets no invitation, and the page says why', async (t) => {
  const event = await openEvent(em(), { capacity: 1 });
  await registerThroughForm(event.slug, 1);
  t.equal((await registerThroughForm(event.slug, 2)).statusCode, 303);
  const waiting = await byEmail(event.id, 2);
  t.equal(waiting.status, 'waitlisted');
  const page = textOf((await app.inject(`/r/${waiting.token}`)).body);
  t.notMatch(page, "Télécharger l'invitation", 'no invitation offered');
  t.match(page, "Vous êtes sur liste d'attente : l'invitation pour votre agenda vous sera envoyée");
  const ics = await app.inject(`/r/${waiting.token}/invite.ics`);
  t.equal(ics.statusCode, 409, 'no confirmed invite to download');
  t.notMatch(ics.body, 'BEGIN:VCALENDAR');
  const confirmed = await byEmail(event.id, 1);
  t.match(textOf((await app.inject(`/r/${confirmed.token}`)).body), "Télécharger l'invitation");
});

t.test('someone who cancelled registers again (form and API), and their invite outranks the CANCEL', async (t) => {
  const event = await openEvent(em(), { capacity: 1 });
  t.equal((await registerThroughForm(event.slug, 10)).statusCode, 303);
  const first = await byEmail(event.id, 10);
  const oldToken = first.token;
  await cancel(em(), first, { mail: app.mail.settings });

  const again = await registerThroughForm(event.slug, 10);
  t.equal(again.statusCode, 303, 'not "already registered"');
  const back = await byEmail(event.id, 10);
  t.equal(back.id, first.id, 'the same registration comes back');
  t.equal(back.status, 'confirmed');
  t.not(back.token, oldToken, 'with a new private link');
  t.equal((await app.inject(`/r/${oldToken}`)).statusCode, 404);

  const mails = await mailsOf(back.id);
  t.same(
    mails.map((m) => m.kind),
    ['confirmation', 'cancellation', 'confirmation'],
    'a new confirmation',
  );
  const cancelSeq = parseCalendar(mails[1].ics!).events[0].sequence;
  const invite = parseCalendar(mails[2].ics!);
  t.equal(invite.method, 'REQUEST');
  t.ok(
    invite.events.every((e) => e.sequence > cancelSeq),
    'SEQUENCE above the CANCEL, so calendars show the event again',
  );
  t.equal(
    parseCalendar((await app.inject(`/r/${back.token}/invite.ics`)).body).events[0].sequence,
    invite.events[0].sequence,
    'the download is the same invite',
  );
  t.equal((await registerThroughForm(event.slug, 10)).statusCode, 409, 'registered now: a second time is refused');

  // The event is full now: the API re-registers someone who cancelled onto the waiting list.
  await registerThroughForm(event.slug, 11);
  await cancel(em(), await byEmail(event.id, 11), { mail: app.mail.settings });
  const api = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...attendee(11), consent: true },
  });
  t.equal(api.statusCode, 201, api.body);
  t.equal(api.json().status, 'waitlisted', 'the usual rule: full, so the waiting list');
  const eleven = await byEmail(event.id, 11);
  t.same(
    (await mailsOf(eleven.id)).map((m) => m.kind),
    ['waitlisted', 'cancellation', 'waitlisted'],
  );
});

t.test('"send me my link" also answers an address whose registration was cancelled', async (t) => {
  const event = await openEvent(em());
  await registerThroughForm(event.slug, 20);
  const reg = await byEmail(event.id, 20);
  await cancel(em(), reg, { mail: app.mail.settings });
  const browser = new Browser(app);
  const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/private-link`, {
    email: attendee(20).email,
  });
  t.equal(res.statusCode, 200);
  t.equal(
    await em().count(OutboxMessage, { registration: reg.id, kind: 'private_link' }),
    1,
    'their link, not "no registration"',
  );
});

t.test(
  'promoted after publication: placed in the freed group, else where balance is best, else an alert',
  async (t) => {
    const event = await openEvent(em(), {
      capacity: 3,
    });
    // Groups of one place each: two people are placed, the third stays without a group.
    const fork = em();
    const loaded = await findEvent(fork, event.id);
    for (const s of loaded.sessions.getItems()) if (s.kind === 'breakout') s.capacity = 1;
    await fork.flush();
    for (const n of [30, 31, 32, 33, 34]) await registerThroughForm(event.slug, n, n % 2 ? 'association' : undefined);
    await autoAssign(em(), await findEvent(em(), event.id), 'all', app.mail.settings);
    await publishAssignments(em(), await findEvent(em(), event.id), app.mail.settings);
    const regs = await Promise.all([30, 31, 32].map((n) => byEmail(event.id, n)));
    const placed = regs.filter((r) => r.group);
    const unplaced = regs.find((r) => !r.group)!;
    t.equal(placed.length, 2);

    // A placed person cancels: the first on the waiting list takes their seat and their group.
    const freed = placed[0].group!.id;
    const promoted = await cancel(em(), placed[0], { mail: app.mail.settings });
    t.equal(promoted?.email, attendee(33).email);
    const p33 = await byEmail(event.id, 33);
    t.equal(p33.group?.id, freed, 'in the group just freed');
    const promotion = await em().findOneOrFail(OutboxMessage, { registration: p33.id, kind: 'promotion' });
    const events = parseCalendar(promotion.ics!).events;
    t.equal(events.length, 2, 'plenary and their group in the confirmation');
    t.match(promotion.text, 'Groupe de travail');

    const dashboard = `/admin/events/${event.id}`;
    // The one left without a group cancels: every group is full, the next one waits for the organiser.
    await cancel(em(), unplaced, { mail: app.mail.settings });
    const p34 = await byEmail(event.id, 34);
    t.equal(p34.status, 'confirmed');
    t.equal(p34.group, null, 'no group had room');
    const alert = "1 personne confirmée après la publication n'a pas de groupe";
    t.match(textOf((await organiser.get(dashboard)).body), alert, 'the dashboard says so');
    t.match(textOf((await organiser.get(`${dashboard}/groups`)).body), alert, 'and the groups page');
  },
);

t.test('promoted after publication with no group freed: the group that keeps the balance best', async (t) => {
  const event = await openEvent(em(), { capacity: 3 });
  for (const [n, type] of [
    [40, 'travailleur-social'],
    [41, 'association'],
    [42, 'travailleur-social'],
    [43, 'association'],
  ] as const)
    await registerThroughForm(event.slug, n, type);
  const loaded = await findEvent(em(), event.id);
  const [group1, group2] = loaded.sessions.getItems().filter((s) => s.kind === 'breakout');
  await moveToGroup(em(), loaded, (await byEmail(event.id, 40)).id, group1.id);
  await moveToGroup(em(), loaded, (await byEmail(event.id, 41)).id, group2.id);
  await publishAssignments(em(), await findEvent(em(), event.id), app.mail.settings);
  // The one without a group leaves: no group was freed, both have room.
  await cancel(em(), await byEmail(event.id, 42), { mail: app.mail.settings });
  const promoted = await byEmail(event.id, 43);
  t.equal(promoted.status, 'confirmed');
  t.equal(promoted.group?.id, group1.id, 'the association joins the group that has none');
});

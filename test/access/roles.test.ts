import t from 'tap';
import { AuditEntry } from '../../src/audit/audit.entity.js';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { TestSmtpServer } from '../support/smtp.js';

const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const { app, orm } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Atelier <atelier@atelier.test>',
  MAIL_WORKER: 'false',
});
const owner = await signedInOrganiser(app);
const event = await openEvent(orm.em.fork(), { title: 'Atelier de la solidarité', capacity: 30 });
const eventUrl = `/admin/events/${event.id}`;
for (let n = 1; n <= 3; n++) {
  const page = `/e/${event.slug}/register`;
  await new Browser(app).submit(page, page, attendee(n));
}
const [registration] = await orm.em
  .fork()
  .getConnection()
  .execute('select id from registration where event_id = ? order by id', [event.id]);

/** Adds someone to the team from the team page and returns a browser signed in as them (through the emailed link). */
async function joinTeam(email: string, role: string): Promise<Browser> {
  const added = await owner.submit(`${eventUrl}/team`, `${eventUrl}/team`, { email, name: email.split('@')[0], role });
  if (added.statusCode !== 303)
    throw new Error(`adding ${email}: ${added.statusCode} ${textOf(added.body).slice(0, 300)}`);
  await smtp.waitFor(smtp.received.length);
  const [mail] = smtp.to(email);
  const link = /https?:\/\/\S+\/admin\/password-reset\/\S+/.exec(mail.parsed.text ?? '')![0];
  const path = new URL(link).pathname;
  const browser = new Browser(app);
  const chosen = await browser.submit(path, path, {
    password: `mot-de-passe-${role}`,
    passwordConfirmation: `mot-de-passe-${role}`,
  });
  if (chosen.statusCode !== 303) throw new Error(`choosing a password: ${chosen.statusCode}`);
  return browser;
}

t.test('an owner invites a viewer and an organiser by email; each gets a link to choose a password', async (t) => {
  const viewer = await joinTeam('lecteur@ccas-angers.fr', 'viewer');
  const invitation = smtp.to('lecteur@ccas-angers.fr')[0];
  t.match(invitation.parsed.subject ?? '', 'Atelier de la solidarité');
  t.match(invitation.parsed.text ?? '', 'Organisatrice', 'says who added them');
  const team = await owner.get(`${eventUrl}/team`);
  t.match(textOf(team.body), 'lecteur@ccas-angers.fr');
  t.match(textOf(team.body), 'Compte créé : une invitation a été envoyée', 'the team page says the invitation left');
  t.equal((await viewer.get(eventUrl)).statusCode, 200, 'the invited viewer is signed in and sees the event');
});

t.test('a viewer reads lists, reports and exports but changes nothing', async (t) => {
  const viewer = new Browser(app);
  await viewer.submit('/admin/login', '/admin/login', {
    email: 'lecteur@ccas-angers.fr',
    password: 'mot-de-passe-viewer',
  });
  for (const path of [
    '/registrations',
    '/registrations.csv',
    '/registrations.xlsx',
    '/report',
    '/groups',
    '/groups.csv',
    '/check-in',
    `/registrations/${registration.id}`,
  ]) {
    t.equal((await viewer.get(`${eventUrl}${path}`)).statusCode, 200, `reads ${path}`);
  }
  for (const path of [
    '/edit',
    '/sessions/new',
    '/form',
    '/messages/new',
    '/team',
    '/audit',
    `/registrations/${registration.id}/cancel`,
    `/registrations/${registration.id}/erase`,
    '/registrations/new',
    `/registrations/${registration.id}/edit`,
    `/registrations/${registration.id}/status`,
  ]) {
    t.equal((await viewer.get(`${eventUrl}${path}`)).statusCode, 403, `no form to change anything: ${path}`);
  }
  const edit = await viewer.submit(`${eventUrl}/registrations`, `${eventUrl}/groups/publish`, {});
  t.equal(edit.statusCode, 403, 'cannot publish the groups');
  const detail = (await viewer.get(`${eventUrl}/registrations/${registration.id}`)).body;
  t.notMatch(detail, '/erase', 'no erase button on a registration');
  t.notMatch(detail, '/new-link', 'nor a new private link');
  t.notMatch(detail, '/status', 'nor a change of status');
  t.notMatch((await viewer.get(`${eventUrl}/registrations`)).body, '/registrations/new', 'nor adding one');
  const overview = (await viewer.get(eventUrl)).body;
  t.notMatch(overview, `${eventUrl}/team`, 'no link to the team page');
  t.notMatch(overview, `${eventUrl}/edit`, 'no link to edit the event');
  t.notMatch(overview, `${eventUrl}/sessions/new`, 'nor to add a session');
  t.match(overview, `${eventUrl}/report`, 'but the report is there');
});

t.test('an organiser changes the event but not its team', async (t) => {
  const organiser = await joinTeam('orga2@alisee.fr', 'organiser');
  const assigned = await organiser.submit(`${eventUrl}/groups`, `${eventUrl}/groups/auto`, {});
  t.equal(assigned.statusCode, 303, 'may assign the groups');
  t.match(textOf((await organiser.get(assigned.headers.location as string)).body), 'Groupe 1');
  t.equal((await organiser.get(`${eventUrl}/team`)).statusCode, 403, 'team page');
  t.equal((await organiser.get(`${eventUrl}/audit`)).statusCode, 403, 'audit log');
  const grab = await organiser.submit(eventUrl, `${eventUrl}/team`, { email: 'orga2@alisee.fr', role: 'owner' });
  t.equal(grab.statusCode, 403, 'cannot make themselves owner');
});

t.test('the owner changes roles and removes people, but an event keeps one owner', async (t) => {
  const team = await owner.get(`${eventUrl}/team`);
  const ids = [...team.body.matchAll(new RegExp(`${eventUrl}/team/(\\d+)/remove`, 'g'))].map((m) => m[1]);
  t.equal(ids.length, 3, 'owner, viewer, organiser');
  const ownId = ids[0];
  const demote = await owner.submit(`${eventUrl}/team`, `${eventUrl}/team/${ownId}`, { role: 'viewer' });
  t.equal(demote.statusCode, 400);
  t.match(textOf(demote.body), 'au moins un responsable');
  const leave = await owner.submit(`${eventUrl}/team`, `${eventUrl}/team/${ownId}/remove`, {});
  t.equal(leave.statusCode, 400, 'the last owner cannot leave');
  const promote = await owner.submit(`${eventUrl}/team`, `${eventUrl}/team/${ids[1]}`, { role: 'organiser' });
  t.equal(promote.statusCode, 303);
  const promoted = textOf((await owner.get(`${eventUrl}/team`)).body);
  t.match(promoted, 'Organisateur');
  t.match(promoted, 'Le rôle est changé.', 'the team page says so');
  const removed = await owner.submit(`${eventUrl}/team`, `${eventUrl}/team/${ids[1]}/remove`, {});
  t.equal(removed.statusCode, 303);
  t.match(textOf((await owner.get(`${eventUrl}/team`)).body), "La personne est retirée de l'équipe.");
  const former = new Browser(app);
  await former.submit('/admin/login', '/admin/login', {
    email: 'lecteur@ccas-angers.fr',
    password: 'mot-de-passe-viewer',
  });
  t.equal((await former.get(`${eventUrl}/registrations`)).statusCode, 403, 'a removed member loses access at once');
  const badRole = await owner.submit(`${eventUrl}/team`, `${eventUrl}/team`, { email: 'x@alisee.fr', role: 'admin' });
  t.equal(badRole.statusCode, 400);
  t.match(textOf(badRole.body), 'Choisissez un rôle');
});

t.test('the audit log tells who viewed, exported and changed what, without the data itself', async (t) => {
  const em = orm.em.fork();
  const entries = await em.find(AuditEntry, { event: event.id }, { populate: ['organiser'], orderBy: { id: 'asc' } });
  const seen = (action: string, route: string, who?: string) =>
    entries.some((e) => e.action === action && e.route === route && (!who || e.organiser?.email === who));
  t.ok(seen('viewed', 'GET /admin/events/:id/registrations', 'lecteur@ccas-angers.fr'), 'the viewer read the list');
  t.ok(seen('exported', 'GET /admin/events/:id/registrations.csv', 'lecteur@ccas-angers.fr'), 'and exported it');
  t.ok(seen('changed', 'POST /admin/events/:id/groups/auto', 'orga2@alisee.fr'), 'the organiser assigned the groups');
  t.ok(seen('changed', 'POST /admin/events/:id/team', ORGANISER.email), 'the owner changed the team');
  t.ok(
    entries.some((e) => e.registrationId === registration.id && e.action === 'viewed'),
    'the registration looked at is named by its id',
  );
  t.notOk(
    entries.some((e) => e.action === 'viewed' && e.route.includes('/audit')),
    'reading the log is not itself noise in it',
  );
  t.notOk(seen('changed', 'POST /admin/events/:id/groups/publish'), 'refused requests are not recorded as changes');
  const page = await owner.get(`${eventUrl}/audit`);
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  t.match(text, 'lecteur@ccas-angers.fr');
  t.match(text, 'Export');
  t.notMatch(text, 'personne1@exemple.fr', 'no participant data in the log');
});

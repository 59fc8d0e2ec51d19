import t from 'tap';
import { setAttendance } from '../../src/cycles/attendance.service.js';
import { Invitation } from '../../src/cycles/invitation.entity.js';
import { inviteAddresses } from '../../src/cycles/invitation.service.js';
import { findEvent } from '../../src/events/event.service.js';
import { register } from '../../src/registrations/registration.service.js';
import { checkPage, populatedEvent } from '../support/axe.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { attendee, openEvent } from '../support/events.js';

// axe-core in real Chromium on the pages of a cycle of meetings and of registration by invitation.
const { app, orm } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const { page } = await populatedEvent(orm, browser, address);
const em = () => orm.em.fork();

const DAY = 86400_000;
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};
const created = await openEvent(em(), {
  title: 'Groupe de travail logement',
  registrationMode: 'invitation',
  startsAt: at(30, 9),
  endsAt: at(100, 12),
  sessions: [1, 2, 3].map((n) => ({
    kind: 'plenary' as const,
    title: `Réunion ${n}`,
    room: 'Salle du conseil',
    startsAt: at(n === 1 ? 30 : n === 2 ? 60 : 100, 9),
    endsAt: at(n === 1 ? 30 : n === 2 ? 60 : 100, 12),
  })),
});
const event = await findEvent(em(), created.id);
const [m1, m2] = event.sessions.getItems();
const people = [];
for (let n = 1; n <= 3; n++) people.push(await register(em(), event, attendee(n), { invited: true }));
await setAttendance(em(), await findEvent(em(), event.id), people[0].id, m1.id, 'present', 'test');
await setAttendance(em(), await findEvent(em(), event.id), people[1].id, m2.id, 'excused', 'attendee');
await inviteAddresses(em(), event, 'invitee@exemple.fr', { by: 'test', mail: app.mail.settings });
const invitation = await em().findOneOrFail(Invitation, { emailKey: 'invitee@exemple.fr' });
const base = `/admin/events/${event.id}`;

const pages = [
  `${base}/attendance`,
  `${base}/invitations`,
  `${base}/check-in?session=${m1.id}`,
  `${base}/report`,
  `${base}/edit`,
  `/e/${event.slug}`,
  `/e/${event.slug}/register`,
  `/i/${invitation.token}`,
  `/r/${people[1].token}`,
];

t.test('the pages of a cycle and of invitations: no WCAG 2.1 AA violation at 1280 and 390 px', async (t) => {
  for (const path of pages) await checkPage(t, page, address, path);
});

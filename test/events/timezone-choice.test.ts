import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { timeZoneChoices } from '../../src/events/event-dates.js';
import { buildTestApp, signedInOrganiser } from '../support/app.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
const year = new Date().getUTCFullYear() + 1;

const timezoneSelect = (html: string) =>
  /<select id="field-timezone" name="timezone"[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';
const selectedZone = (html: string) => /<option value="([^"]+)" selected>/.exec(timezoneSelect(html))?.[1];

t.test('the time zone is chosen from a list, Europe/Paris by default', async (t) => {
  const page = await organiser.get('/admin/events/new');
  const select = timezoneSelect(page.body);
  t.ok(select, 'a list, not a text box');
  t.notMatch(page.body, /<input[^>]+name="timezone"/);
  t.equal(selectedZone(page.body), 'Europe/Paris');
  t.match(select, /^<select[^>]*>\s*<optgroup label="Europe">/, 'Europe comes first');
  t.match(select, '<option value="America/New_York">New York</option>');
  t.match(select, '<optgroup label="Temps universel"><option value="UTC">UTC</option>');
  t.ok(/aria-describedby="field-timezone-help"/.test(select), 'the help is tied to the list');
});

t.test('the chosen zone is saved and selected again when editing', async (t) => {
  const created = await organiser.submit('/admin/events/new', '/admin/events', {
    title: 'Rencontre à Montréal',
    timezone: 'America/Toronto',
    startsAt: `${year}-06-10T09:00`,
    endsAt: `${year}-06-10T12:00`,
    status: 'draft',
  });
  t.equal(created.statusCode, 303);
  const id = Number(String(created.headers.location).split('/').pop());
  const saved = await orm.em.fork().findOneOrFail(Event, id);
  t.equal(saved.timezone, 'America/Toronto');
  t.equal(saved.startsAt.toISOString(), `${year}-06-10T13:00:00.000Z`, '09:00 in Toronto, summer time');
  t.equal(selectedZone((await organiser.get(`/admin/events/${id}/edit`)).body), 'America/Toronto');

  const refused = await organiser.submit('/admin/events/new', '/admin/events', {
    title: 'Nulle part',
    timezone: 'Mars/Olympus_Mons',
    startsAt: `${year}-06-10T09:00`,
    endsAt: `${year}-06-10T12:00`,
  });
  t.equal(refused.statusCode, 400, 'a value outside the list is refused, not stored');
  t.match(refused.body, 'aria-invalid="true"');
});

t.test("an event's zone missing from this Node's list is still offered", async (t) => {
  const zones = (current?: string) => timeZoneChoices(current).flatMap((g) => g.zones.map((z) => z.value));
  t.ok(zones().includes('Europe/Paris'));
  t.equal(new Set(zones()).size, zones().length, 'each zone once');
  const legacy = zones().includes('Europe/Kyiv') ? 'Europe/Kiev' : 'Europe/Kyiv';
  t.ok(zones(legacy).includes(legacy));
  t.notOk(zones('Pas une zone').includes('Pas une zone'), 'never a name that is no zone');
});

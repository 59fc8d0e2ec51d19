import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
const em = () => orm.em.fork();

/** The checklist's line for one step, as read aloud: "À faire : La publication …". */
function checklistLine(html: string, label: string): string {
  const list = /<ol class="checklist">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return (
    list
      .split('</li>')
      .map(textOf)
      .find((line) => line.includes(label)) ?? ''
  );
}

t.test('a draft is previewed by its team, then published and unpublished in one click', async (t) => {
  const event = await openEvent(em(), { status: 'draft' });
  const url = `/admin/events/${event.id}`;
  const anonymous = new Browser(app);

  const page = await organiser.get(url);
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), "Brouillon : la page publique n'est visible que par l'équipe.");
  t.match(checklistLine(page.body, 'La publication'), /^À faire : La publication/, 'the state is in words');
  t.match(checklistLine(page.body, 'Le programme'), /^Fait : Le programme/);
  t.match(checklistLine(page.body, "Le formulaire d'inscription"), /^À faire :/, 'the form was never saved');
  t.match(checklistLine(page.body, 'Les groupes de travail'), /^À faire :/);
  t.match(checklistLine(page.body, 'Le bilan'), /^À faire :/, 'the event has not taken place');
  t.match(textOf(page.body), 'Encore 5 étapes à faire.');

  const preview = await organiser.get(`${url}/preview`);
  t.equal(preview.statusCode, 200, 'the team sees the preview');
  t.match(textOf(preview.body), "Aperçu : cette page n'est pas encore publique");
  t.match(textOf(preview.body), 'Atelier test');
  t.equal((await anonymous.get(`/e/${event.slug}`)).statusCode, 404, 'the public still gets 404');
  t.not((await anonymous.get(`${url}/preview`)).statusCode, 200, 'no preview without signing in');

  const published = await organiser.submit(url, `${url}/publish`, {});
  t.equal(published.statusCode, 303);
  t.equal(published.headers.location, url);
  t.equal((await em().findOneOrFail(Event, { id: event.id })).status, 'published');
  const after = await organiser.get(url);
  t.match(textOf(after.body), "L'événement est publié");
  t.match(checklistLine(after.body, 'La publication'), /^Fait : La publication/);
  t.match(after.body, `href="/e/${event.slug}"`, 'the address to share');
  t.match(after.body, `action="${url}/unpublish"`, 'the button now unpublishes');
  t.equal((await anonymous.get(`/e/${event.slug}`)).statusCode, 200);

  const unpublished = await organiser.submit(url, `${url}/unpublish`, {});
  t.equal(unpublished.statusCode, 303);
  t.equal((await em().findOneOrFail(Event, { id: event.id })).status, 'draft');
  t.equal((await anonymous.get(`/e/${event.slug}`)).statusCode, 404);
  t.equal((await anonymous.post(`${url}/publish`, {})).statusCode, 303, 'signed out: sent to sign in');
  t.equal((await em().findOneOrFail(Event, { id: event.id })).status, 'draft', 'and nothing published');
});

t.test('the checklist follows registrations, groups and presence', async (t) => {
  const event = await openEvent(em());
  const url = `/admin/events/${event.id}`;
  t.match(checklistLine((await organiser.get(url)).body, 'Diffuser le lien'), /^À faire :/);
  for (const n of [1, 2, 3]) await register(em(), event, attendee(n));
  await register(em(), event, attendee(4, 'association'));
  const page = await organiser.get(url);
  t.match(checklistLine(page.body, 'Diffuser le lien'), /^Fait :/, 'someone registered');
  t.match(textOf(page.body), 'Inscriptions confirmées 4 / 10', 'organiser wording for the counts');
  t.notMatch(textOf(page.body), 'Vous êtes');

  await organiser.submit(`${url}/groups`, `${url}/groups/auto`, { mode: 'all' });
  await organiser.submit(`${url}/groups`, `${url}/groups/publish`, {});
  t.match(checklistLine((await organiser.get(url)).body, 'Les groupes de travail'), /^Fait :/);

  const groups = textOf((await organiser.get(`${url}/groups`)).body);
  t.match(groups, '1,5', 'fair shares are written the French way (3 people of a type over 2 groups)');
  t.notMatch(groups, '1.5');
  t.notMatch(groups, 'part équitable', 'no jargon');
});

t.test('all the groups print at once, and the sign-in sheet has blank rows for walk-ins', async (t) => {
  const event = await openEvent(em(), { title: 'Atelier imprimé' });
  for (const n of [1, 2, 3]) await register(em(), event, attendee(n));
  const url = `/admin/events/${event.id}`;
  await organiser.submit(`${url}/groups`, `${url}/groups/auto`, { mode: 'all' });

  const lists = await organiser.get(`${url}/groups/print`);
  t.equal(lists.statusCode, 200);
  t.equal(lists.body.match(/class="print-sheet"/g)?.length, 2, 'one sheet per group');
  t.equal(lists.body.match(/<tr class="sheet-head">/g)?.length, 2, 'each sheet repeats the event and date');
  for (const n of [1, 2, 3]) t.match(textOf(lists.body), `Nom${n} Prénom${n}`);
  t.match(lists.body, 'data-print hidden', 'the print button waits for JavaScript');
  t.match(lists.body, '/static/print.js');

  const sheet = await organiser.get(`${url}/sign-in`);
  t.equal(sheet.statusCode, 200);
  t.match(textOf(sheet.body), "Feuille d'émargement — toute la journée");
  t.equal(sheet.body.match(/<tr class="walk-in">/g)?.length, 10, 'ten blank rows by default');
  t.match(textOf(sheet.body), 'Nom1 Prénom1');
  const plenary = event.sessions.getItems().find((s) => s.kind === 'plenary')!;
  const breakout = event.sessions.getItems().find((s) => s.kind === 'breakout')!;
  const forPlenary = await organiser.get(`${url}/sign-in?session=${plenary.id}&blank=3`);
  t.match(textOf(forPlenary.body), "Feuille d'émargement — Plénière");
  t.equal(forPlenary.body.match(/<tr class="walk-in">/g)?.length, 3);
  t.equal((await organiser.get(`${url}/sign-in?session=${breakout.id}`)).statusCode, 404, 'plenaries only');
  t.equal((await organiser.get(`${url}/sign-in?blank=500`)).statusCode, 400);
  t.equal((await new Browser(app).get(`${url}/sign-in`)).statusCode, 303, 'organisers only');
});

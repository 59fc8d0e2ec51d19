import t from 'tap';
import { Browser, PUBLIC_URL, buildTestApp, signedInOrganiser } from '../support/app.js';
import { openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
const event = await openEvent(orm.em.fork(), { series: 'rencontres' });

t.test('the share page gives the link, the embed snippets and a preview', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/share`);
  t.equal(res.statusCode, 200);
  t.match(res.body, `<a href="${PUBLIC_URL}/e/${event.slug}">`);
  t.match(
    res.body,
    `&lt;div data-atelier-event=&quot;${event.slug}&quot;&gt;&lt;a href=&quot;${PUBLIC_URL}/e/${event.slug}&quot;&gt;`,
  );
  t.match(res.body, `&lt;script src=&quot;${PUBLIC_URL}/embed.js&quot; async&gt;&lt;/script&gt;`);
  t.match(res.body, 'data-atelier-agenda data-series=&quot;rencontres&quot; data-limit=&quot;5&quot;');
  t.match(res.body, `<iframe src="/e/${event.slug}" title="`);
  const eventPage = await organiser.get(`/admin/events/${event.id}`);
  t.match(eventPage.body, `href="/admin/events/${event.id}/share"`, 'linked from the event page');
});

t.test('the flyer prints on A5 with the programme and the link', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/share/flyer`);
  t.equal(res.statusCode, 200);
  t.match(res.body, '<article class="flyer">');
  const css = (await organiser.get('/static/app.css')).body;
  t.match(css, '@page flyer { size: A5;', 'the flyer class prints on A5');
  t.match(css, '.flyer { page: flyer; }');
  t.match(res.body, 'Plénière');
  t.match(res.body, `<strong>${PUBLIC_URL}/e/${event.slug}</strong>`);
  t.match(res.body, 'Maison Pour Tous, 1 rue Exemple, Angers');
});

t.test('the share page is for the event team only', async (t) => {
  const policy = app.routeTable.find((r) => r.method === 'GET' && r.url === '/admin/events/:id/share')?.policy;
  t.same(policy, { access: 'viewer', event: { param: 'id' } });
  const res = await new Browser(app).get(`/admin/events/${event.id}/share`);
  t.notMatch(res.body, 'data-atelier-event', 'someone signed out sees no snippet');
  t.equal(res.statusCode, 303, 'sent to sign in');
  t.match(res.headers.location, '/admin/login');
});

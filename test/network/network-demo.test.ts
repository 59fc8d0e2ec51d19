import t from 'tap';
import { adoptOwnerlessEvents } from '../../src/access/access.service.js';
import { loadDemo } from '../../src/demo.js';
import { loadNetworkDemo } from '../../src/demo-network.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';

// The network demo (`npm run demo`), on either database: the browser test of these pages runs on SQLite only.
const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);

t.test('the network demo loads once, after the demo event', async (t) => {
  await t.rejects(loadNetworkDemo(orm.em.fork()), /load the demo event first/);
  await loadDemo(orm.em.fork());
  t.same([await loadNetworkDemo(orm.em.fork()), await loadNetworkDemo(orm.em.fork())], [true, false]);
  const organisers = await orm.em.fork().find(Organiser, {});
  await adoptOwnerlessEvents(
    orm.em.fork(),
    organisers.map((o) => o.id),
  );

  const page = await organiser.get('/admin/network');
  t.equal(page.statusCode, 200);
  const years = /<table[^>]*id="years-table"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page.body)?.[1] ?? '';
  t.equal(years.match(/<tr/g)?.length, 2, 'last year and this year');
  t.match(textOf(page.body), /fidèles/, 'returning structures are named');
  const meetings = /<table[^>]*id="meetings-[^"]*"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page.body)?.[1] ?? '';
  t.equal(meetings.match(/<tr/g)?.length, 1, "the working group's meeting, counted");

  const directory = await app.inject({ url: '/annuaire' });
  t.equal(directory.statusCode, 200);
  t.match(textOf(directory.body), /CCAS/, 'the demo structures are in the public directory');
});

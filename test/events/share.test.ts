import QRCode from 'qrcode';
import t from 'tap';
import { QR_OPTIONS } from '../../src/events/qr-code.js';
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

/** The dark modules an SVG from qrcode draws: its path runs along each row ("M x y", "m dx 0", "h length"). */
function darkModules(svg: string, margin: number): Set<string> {
  const d = /<path stroke="#000000" d="([^"]*)"/.exec(svg)?.[1] ?? '';
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([Mmh])(\d+(?:\.\d+)?)(?: (\d+(?:\.\d+)?))?/g)) {
    if (cmd === 'M') [x, y] = [Number(a), Number(b) - 0.5];
    else if (cmd === 'm') x += Number(a);
    else for (const end = x + Number(a); x < end; x++) dark.add(`${x - margin},${y - margin}`);
  }
  return dark;
}

t.test('the QR code of the public link: SVG and PNG, on the share page and the flyer', async (t) => {
  const link = `${PUBLIC_URL}/e/${event.slug}`;
  const svg = await organiser.get(`/admin/events/${event.id}/share/qr.svg`);
  t.equal(svg.statusCode, 200);
  t.match(svg.headers['content-type'], /^image\/svg\+xml/);
  t.match(svg.headers['content-disposition'], `filename="qr-${event.slug}.svg"`);
  t.match(svg.body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);

  // What it draws is the matrix qrcode encodes for the link itself, module for module.
  const { modules } = QRCode.create(link, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel });
  const expected = new Set<string>();
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) expected.add(`${col},${row}`);
  const drawn = darkModules(svg.body, QR_OPTIONS.margin);
  t.ok(expected.size > 100, 'a real code');
  t.same([...drawn].sort(), [...expected].sort(), 'the SVG draws the code of the public link');
  t.match(svg.body, `viewBox="0 0 ${modules.size + 2 * QR_OPTIONS.margin} `, 'with its quiet zone');
  const other = QRCode.create(`${link}x`, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).modules;
  t.notSame(Buffer.from(other.data), Buffer.from(modules.data), 'another link would draw another code');

  const png = await organiser.get(`/admin/events/${event.id}/share/qr.png`);
  t.equal(png.statusCode, 200);
  t.equal(png.headers['content-type'], 'image/png');
  const bytes = png.rawPayload;
  t.same([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  t.equal(bytes.readUInt32BE(16), 600, '600 px wide');
  t.equal(bytes.readUInt32BE(20), 600, 'square');
  t.ok(bytes.length > 1000, 'not empty');
  const same = await QRCode.toBuffer(link, { ...QR_OPTIONS, type: 'png', width: 600 });
  t.ok(same.equals(bytes), "byte for byte qrcode's own PNG of the link");

  const share = await organiser.get(`/admin/events/${event.id}/share`);
  t.match(share.body, `<img src="/admin/events/${event.id}/share/qr.svg" alt="Code QR menant à ${link}"`);
  t.match(share.body, `href="/admin/events/${event.id}/share/qr.png" download="qr-${event.slug}.png"`);
  t.match(share.body, `href="/admin/events/${event.id}/share/qr.svg" download="qr-${event.slug}.svg"`);
  const flyer = await organiser.get(`/admin/events/${event.id}/share/flyer`);
  t.match(flyer.body, `<img src="/admin/events/${event.id}/share/qr.svg" alt="Code QR menant à ${link}"`);
  const outsider = await new Browser(app).get(`/admin/events/${event.id}/share/qr.png`);
  t.equal(outsider.statusCode, 303, 'the team only');
});

t.test('the share page is for the event team only', async (t) => {
  const policy = app.routeTable.find((r) => r.method === 'GET' && r.url === '/admin/events/:id/share')?.policy;
  t.same(policy, { access: 'viewer', event: { param: 'id' } });
  const res = await new Browser(app).get(`/admin/events/${event.id}/share`);
  t.notMatch(res.body, 'data-atelier-event', 'someone signed out sees no snippet');
  t.equal(res.statusCode, 303, 'sent to sign in');
  t.match(res.headers.location, '/admin/login');
});

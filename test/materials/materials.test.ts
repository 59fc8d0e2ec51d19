import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { Material } from '../../src/materials/material.entity.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { type Browser, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { buildMailTestApp } from '../support/mail-app.js';

const { smtp, app, orm, config, deliverNew } = await buildMailTestApp(t, {
  MATERIALS_MAX_MB: '1',
});
const organiser = await signedInOrganiser(app);
const em = () => orm.em.fork();
const event = await openEvent(em());
const otherEvent = await openEvent(em(), { title: 'Autre atelier' });
const base = `/admin/events/${event.id}/materials`;
const filesDir = join(config.dataDir, 'files');

/** A ZIP archive with stored (uncompressed) entries, enough for the type check to read. */
function zip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const FILES = {
  pdf: Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n'),
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]),
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]),
  webp: Buffer.concat([Buffer.from('RIFF'), Buffer.from([40, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(32)]),
  pptx: zip([
    ['[Content_Types].xml', '<Types/>'],
    ['ppt/presentation.xml', '<p:presentation/>'],
  ]),
  odp: zip([
    ['mimetype', 'application/vnd.oasis.opendocument.presentation'],
    ['content.xml', '<office:document-content/>'],
  ]),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]),
  docx: zip([
    ['[Content_Types].xml', '<Types/>'],
    ['word/document.xml', '<w:document/>'],
  ]),
  html: Buffer.from('<html><script>alert(1)</script></html>'),
};

/** Posts the upload form as a browser does: multipart, the CSRF token first, then the file. */
async function upload(browser: Browser, name: string, data: Buffer, session = '', url = base) {
  const page = await browser.get(url);
  const boundary = `----atelier${Math.random().toString(16).slice(2)}`;
  const field = (key: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`;
  const payload = Buffer.concat([
    Buffer.from(field('_csrf', csrfFrom(page.body)) + field('session', session)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return browser.request({
    method: 'POST',
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

t.test('each accepted type, checked by content, is stored under a random name', async (t) => {
  const names: [keyof typeof FILES, string, string][] = [
    ['pdf', 'Programme.pdf', 'application/pdf'],
    ['png', 'photo.PNG', 'image/png'],
    ['jpeg', 'groupe.jpg', 'image/jpeg'],
    ['webp', 'affiche.webp', 'image/webp'],
    ['pptx', 'Plénière.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['odp', 'atelier.odp', 'application/vnd.oasis.opendocument.presentation'],
  ];
  for (const [key, name, type] of names) {
    const response = await upload(organiser, name, FILES[key]);
    t.equal(response.statusCode, 303, `${name} is accepted`);
    const row = await em().findOneOrFail(Material, { name });
    t.equal(row.contentType, type, `${name} is stored as ${type}`);
    t.match(row.storedName, /^[0-9a-f]{32}$/, 'a random name');
  }
  const stored = readdirSync(filesDir);
  t.equal(stored.length, names.length, 'one file each under DATA_DIR/files');
  t.ok(
    stored.every((f) => /^[0-9a-f]{32}$/.test(f)),
    "never the uploader's name",
  );
});

t.test('a file whose extension lies, or whose type is not accepted, is refused with a clear message', async (t) => {
  const before = readdirSync(filesDir).length;
  const lying = await upload(organiser, 'diaporama.pdf', FILES.png);
  t.equal(lying.statusCode, 400);
  t.match(textOf(lying.body), "porte l'extension .pdf mais son contenu est celui d'un fichier .png");
  t.match(lying.body, 'aria-invalid="true"', 'the field is marked');
  const program = await upload(organiser, 'programme.pdf', FILES.exe);
  t.equal(program.statusCode, 400);
  t.match(textOf(program.body), "Le fichier « programme.pdf » n'est pas accepté");
  const word = await upload(organiser, 'compte-rendu.pptx', FILES.docx);
  t.equal(word.statusCode, 400, 'a Word file renamed .pptx');
  const page = await upload(organiser, 'page.png', FILES.html);
  t.equal(page.statusCode, 400, 'an HTML page renamed .png');
  const none = await upload(organiser, '', Buffer.alloc(0));
  t.equal(none.statusCode, 400);
  t.match(textOf(none.body), 'Choisissez un fichier.');
  t.equal(readdirSync(filesDir).length, before, 'nothing refused was written');
});

t.test('a file over the limit is refused with the limit in the message', async (t) => {
  const big = Buffer.concat([FILES.pdf, Buffer.alloc(1_000_001)]);
  const response = await upload(organiser, 'gros.pdf', big);
  t.equal(response.statusCode, 413);
  t.match(textOf(response.body), 'Le fichier dépasse la taille maximale de 1 Mo.');
  t.equal(await em().count(Material, { name: 'gros.pdf' }), 0);
});

t.test('downloads say attachment, the checked type and nosniff', async (t) => {
  const row = await em().findOneOrFail(Material, { name: 'Plénière.pptx' });
  const response = await organiser.get(`${base}/${row.id}`);
  t.equal(response.statusCode, 200);
  t.equal(response.headers['content-type'], row.contentType);
  t.equal(response.headers['x-content-type-options'], 'nosniff');
  t.equal(
    response.headers['content-disposition'],
    `attachment; filename="Pl_ni_re.pptx"; filename*=UTF-8''Pl%C3%A9ni%C3%A8re.pptx`,
  );
  t.same(response.rawPayload, FILES.pptx, 'the bytes as uploaded');
});

t.test('attendees find the materials on their private page, through their own link only', async (t) => {
  const ana = await register(em(), event, attendee(1));
  const pdf = await em().findOneOrFail(Material, { name: 'Programme.pdf' });
  const page = await app.inject(`/r/${ana.token}`);
  t.match(textOf(page.body), "Documents de l'événement");
  t.match(page.body, `/r/${ana.token}/materials/${pdf.id}`);
  const download = await app.inject(`/r/${ana.token}/materials/${pdf.id}`);
  t.equal(download.statusCode, 200);
  t.equal(download.headers['content-type'], 'application/pdf');
  t.match(download.headers['content-disposition'], /^attachment;/);
  t.equal(download.headers['x-content-type-options'], 'nosniff');
  const outsider = await register(em(), otherEvent, attendee(9));
  t.equal((await app.inject(`/r/${outsider.token}/materials/${pdf.id}`)).statusCode, 404, 'not through another event');
  t.equal((await app.inject(`/r/nope/materials/${pdf.id}`)).statusCode, 404, 'not without a link');
  await em().nativeUpdate(Registration, { id: ana.id }, { status: 'cancelled' });
  t.equal((await app.inject(`/r/${ana.token}/materials/${pdf.id}`)).statusCode, 404, 'not once cancelled');
  t.notMatch((await app.inject(`/r/${ana.token}`)).body, '/materials/', 'nor listed');
  await em().nativeUpdate(Registration, { id: ana.id }, { status: 'confirmed' });
});

t.test('"Envoyer les documents" emails links, in each language, once per person', async (t) => {
  await register(em(), event, attendee(2), { locale: 'en' });
  await em().nativeUpdate(Event, { id: event.id }, { capacity: 10 });
  await deliverNew();
  const start = smtp.received.length;
  const page = await organiser.get(base);
  const sent = await organiser.post(`${base}/send`, { _csrf: csrfFrom(page.body) });
  t.equal(sent.statusCode, 303);
  t.match(textOf((await organiser.get(base)).body), '2 courriels mis en file');
  await deliverNew();
  const mails = smtp.received.slice(start);
  t.equal(mails.length, 2, 'one email per confirmed person');
  const fr = mails.find((m) => m.to.includes(attendee(1).email));
  const en = mails.find((m) => m.to.includes(attendee(2).email));
  t.match(fr?.parsed.subject, "Les documents de l'événement");
  t.match(en?.parsed.subject, "The event's documents");
  for (const mail of [fr, en]) {
    t.same(mail?.parsed.attachments, [], 'links, never attachments');
    t.match(mail?.parsed.text, /\/r\/[A-Za-z0-9_-]+\/materials\/\d+/, 'a download link behind the private link');
    t.ok((mail?.raw.length ?? 0) < 50_000, 'a small email');
  }
  const again = await organiser.post(`${base}/send`, { _csrf: csrfFrom(page.body) });
  t.equal(again.statusCode, 303);
  await deliverNew();
  t.equal(smtp.received.length, start + 2, 'the same documents are not sent twice');
  const emails = await organiser.get(`/admin/events/${event.id}/emails`);
  t.match(textOf(emails.body), "Documents de l'événement", "listed on the event's emails page");
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'materials' }), 2);
});

t.test('deleting a material removes its file', async (t) => {
  const row = await em().findOneOrFail(Material, { name: 'groupe.jpg' });
  const path = join(filesDir, row.storedName);
  t.ok(existsSync(path));
  const page = await organiser.get(base);
  const response = await organiser.post(`${base}/${row.id}/delete`, { _csrf: csrfFrom(page.body) });
  t.equal(response.statusCode, 303);
  t.notOk(existsSync(path), 'the file is gone');
  t.equal(await em().count(Material, { id: row.id }), 0, 'and its row');
  t.equal((await organiser.get(`${base}/${row.id}`)).statusCode, 404);
  t.ok(readFileSync(join(filesDir, (await em().findOneOrFail(Material, { name: 'atelier.odp' })).storedName)));
});

t.test('the session a material belongs to must be of this event', async (t) => {
  const foreignSession = (
    await em().findOneOrFail(Event, { id: otherEvent.id }, { populate: ['sessions'] })
  ).sessions.getItems()[0].id;
  const wrong = await upload(organiser, 'a.pdf', FILES.pdf, String(foreignSession));
  t.equal(wrong.statusCode, 400, "another event's session");
  const session = (
    await em().findOneOrFail(Event, { id: event.id }, { populate: ['sessions'] })
  ).sessions.getItems()[1];
  const ok = await upload(organiser, 'groupe1.pdf', FILES.pdf, String(session.id));
  t.equal(ok.statusCode, 303);
  t.equal((await em().findOneOrFail(Material, { name: 'groupe1.pdf' })).session?.id, session.id);
});

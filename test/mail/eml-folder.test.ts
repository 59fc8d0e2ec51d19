import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { EmlFolderTransport } from '../../src/mail/outbox.worker.js';

const message = (n: number) => ({
  messageId: `<atelier-outbox-${n}@exemple.fr>`,
  from: 'atelier@exemple.fr',
  to: `personne${n}@exemple.fr`,
  subject: `Message ${n}`,
  text: 'Bonjour',
});

t.test('without SMTP, each email is a whole .eml file in a folder made when needed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'atelier-eml-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'data', 'outbox');
  const transport = new EmlFolderTransport(dir);
  t.teardown(() => transport.close());

  await transport.sendMail(message(1));
  t.same(readdirSync(dir), ['atelier-outbox-1@exemple.fr.eml'], 'the folder is created by the first email');
  t.match(readFileSync(join(dir, 'atelier-outbox-1@exemple.fr.eml'), 'utf8'), /^To: personne1@exemple\.fr\r$/m);

  rmSync(join(root, 'data'), { recursive: true });
  const result = await transport.sendMail(message(2));
  t.same(readdirSync(dir), ['atelier-outbox-2@exemple.fr.eml'], 'a folder removed since is made again');
  t.match(result.response, /written to .*atelier-outbox-2@exemple\.fr\.eml$/);
});

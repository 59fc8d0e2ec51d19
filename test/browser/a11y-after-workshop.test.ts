import t from 'tap';
import { addMaterial } from '../../src/materials/materials.service.js';
import { saveSynthesis, issueFacilitatorLink } from '../../src/syntheses/syntheses.service.js';
import { buildTestApp } from '../support/app.js';
import { checkPage, populatedEvent } from '../support/axe.js';
import { launchChromium } from '../support/chromium.js';

// axe-core in real Chromium on the pages of after the workshop: syntheses, the facilitator's page, documents.
const { app, orm, config } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const { page, event, group, first, base } = await populatedEvent(orm, browser, address);
const em = () => orm.em.fork();
await saveSynthesis(
  em(),
  group,
  '## Constats\n\n- un\n- deux\n\n**Proposition** : [le site](https://exemple.fr)',
  'facilitator',
);
const token = await issueFacilitatorLink(em(), event, group.id);
await addMaterial(
  em(),
  event,
  { name: 'Programme.pdf', data: Buffer.from('%PDF-1.7\n%%EOF\n'), sessionId: null },
  config.dataDir,
);

t.test('after the workshop: no WCAG 2.1 AA violation at 1280 and 390 px, no sideways scrolling', async (t) => {
  for (const path of [
    `${base}/syntheses`,
    `${base}/syntheses/document`,
    `${base}/syntheses/${group.id}`,
    `${base}/materials`,
  ])
    await checkPage(t, page, address, path);
  await checkPage(t, page, address, `/f/${token}`);
  await checkPage(t, page, address, `/r/${first.token}`);
});

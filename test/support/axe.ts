import axe from 'axe-core';
import type { Browser, Frame, Page } from 'playwright-core';
import type { Test } from 'tap';
import type { Orm } from '../../src/db/orm.js';
import { autoAssign } from '../../src/groups/groups.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { setPresent } from '../../src/registrations/check-in.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { attendee, openEvent } from './events.js';

/** The widths every page is checked at: a desktop and a phone. */
export const WIDTHS = [1280, 390];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeWindow {
  axe: { run(o: object): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> };
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page (or frame) as it is now; injected once per page load. */
export async function violations(page: Page | Frame): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const found = await page.evaluate(
    (tags) => (window as unknown as AxeWindow).axe.run({ runOnly: { type: 'tag', values: tags } }),
    TAGS,
  );
  return found.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Loads `path` (or keeps the page where it is, for null), then at each width asserts no axe violation and
 * no sideways scrolling; `sidewaysTodo` marks a page whose phone layout is known to scroll as a todo.
 */
export async function checkPage(t: Test, page: Page, address: string, path: string | null, sidewaysTodo?: string) {
  if (path !== null) {
    await page.setViewportSize({ width: WIDTHS[0], height: 900 });
    const response = await page.goto(`${address}${path}`);
    t.equal(response?.status(), 200, `${path} answers`);
  }
  const name = path ?? page.url().replace(address, '');
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    t.same(await violations(page), [], `${name} at ${width} px`);
    const scrolled = await page.evaluate(() => document.documentElement.scrollWidth);
    t.ok(scrolled <= width, `${name} does not scroll sideways at ${width} px (${scrolled} px wide)`, {
      todo: sidewaysTodo && width < 600 ? sidewaysTodo : false,
    });
  }
}

/**
 * Signs an organiser in through the setup page, then makes a populated event they own: a plenary, two
 * groups, 7 registrations (one on the waiting list), groups assigned, one person present. Returns the
 * signed-in page and the addresses of the event's organiser pages.
 */
export async function populatedEvent(orm: Orm, browser: Browser, address: string) {
  const em = () => orm.em.fork();
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: WIDTHS[0], height: 900 } });
  const page = await context.newPage();
  await page.goto(`${address}/setup`);
  await page.getByLabel('Adresse électronique').fill('orga@ccas-angers.fr');
  await page.getByLabel(/^Mot de passe/).fill('un-mot-de-passe-solide');
  await page.getByLabel('Confirmation du mot de passe').fill('un-mot-de-passe-solide');
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await page.waitForURL(/\/admin$/);

  const event = await openEvent(em(), { title: 'Atelier de la solidarité 2027', capacity: 6, series: 'atelier' });
  const types = ['travailleur-social', 'association', 'bailleur-social', 'collectivite', 'autre'];
  for (let n = 1; n <= 7; n++) await register(em(), event, attendee(n, types[n % types.length]));
  await autoAssign(em(), event, 'all');
  const first = await em().findOneOrFail(Registration, { event: event.id }, { orderBy: { id: 'asc' } });
  await setPresent(em(), event, first.id, true);
  const email = await em().findOne(OutboxMessage, { event: event.id });
  const plenary = event.sessions.getItems().find((s) => s.kind === 'plenary')!;
  const group = event.sessions.getItems().find((s) => s.kind === 'breakout')!;
  return { page, event, first, email, plenary, group, base: `/admin/events/${event.id}` };
}

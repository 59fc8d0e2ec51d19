import t from 'tap';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { openEvent } from '../support/events.js';
import { freePort } from '../support/smtp.js';

// Account emails go straight to the mail server: when it is down, the pages say so where it is
// safe to, and never answer with an error page.
const { app, orm } = await buildTestApp(t, {
  SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
  MAIL_FROM: 'Atelier <atelier@atelier.test>',
  MAIL_WORKER: 'false',
});
const owner = await signedInOrganiser(app);
const event = await openEvent(orm.em.fork());

t.test('a forgotten-password request answers as usual, so it still tells nothing about the account', async (t) => {
  const browser = new Browser(app);
  const known = await browser.submit('/admin/password-reset', '/admin/password-reset', { email: ORGANISER.email });
  const unknown = await browser.submit('/admin/password-reset', '/admin/password-reset', {
    email: 'personne@nulle-part.fr',
  });
  t.equal(known.statusCode, 200);
  t.equal(textOf(known.body), textOf(unknown.body).replace('personne@nulle-part.fr', ORGANISER.email));
});

t.test('a newcomer added to a team is added, and the owner is told the invitation did not leave', async (t) => {
  const url = `/admin/events/${event.id}/team`;
  const added = await owner.submit(url, url, { email: 'nouvelle@ccas.fr', role: 'viewer' });
  t.equal(added.statusCode, 303);
  t.equal(added.headers.location, `${url}?notSent=1`);
  const page = textOf((await owner.get(added.headers.location as string)).body);
  t.match(page, "n'a pas pu être envoyée");
  t.match(page, 'nouvelle@ccas.fr', 'the person is on the team');
});

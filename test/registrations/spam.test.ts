import t, { type Test } from 'tap';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { issueFormNonce } from '../../src/registrations/form-nonce.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, csrfFrom, formNonceFrom, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// Robots that post the public form: a honeypot field people never see, a minimum time between the
// form's rendering and its sending (carried in the signed nonce), and the nonce itself. A robot
// gets a generic page and nothing is stored, no email queued.
const { app, orm, config } = await buildTestApp(t, { FORM_MIN_FILL_SECONDS: '3' });
const em = () => orm.em.fork();

async function nothingStored(t: Test, eventId: number) {
  t.equal(await em().count(Registration, { event: eventId }), 0, 'no registration');
  t.equal(await em().count(OutboxMessage, { event: eventId }), 0, 'no email');
}

async function formOf(browser: Browser, slug: string) {
  const page = (await browser.get(`/e/${slug}/register`)).body;
  return { page, csrf: csrfFrom(page), nonce: formNonceFrom(page)! };
}

function refused(t: Test, res: { statusCode: number; body: string }) {
  t.equal(res.statusCode, 400);
  t.match(textOf(res.body), "Votre inscription n'a pas pu être enregistrée");
  t.notMatch(res.body, 'name="firstName"', 'no hint of what gave it away');
}

t.test('the honeypot is out of sight, out of the tab order and labelled for anyone who reaches it', async (t) => {
  const event = await openEvent(em());
  const { page } = await formOf(new Browser(app), event.slug);
  t.match(
    page,
    /<div class="visually-hidden" aria-hidden="true">\s*<label for="website_url">Ne remplissez pas ce champ/,
  );
  t.match(page, /<input type="text" id="website_url" name="website_url" value="" tabindex="-1" autocomplete="off">/);
});

t.test('a filled honeypot is refused, nothing stored', async (t) => {
  const event = await openEvent(em());
  const browser = new Browser(app);
  const { csrf } = await formOf(browser, event.slug);
  const nonce = issueFormNonce(config.sessionKey, event.id, Date.now() - 10_000);
  refused(
    t,
    await browser.post(`/e/${event.slug}/register`, {
      _csrf: csrf,
      _form: nonce,
      website_url: 'https://spam.example',
      ...attendee(1),
    }),
  );
  await nothingStored(t, event.id);
});

t.test(
  'a form sent sooner than the minimum fill time comes back with its answers and why, nothing stored',
  async (t) => {
    const event = await openEvent(em());
    const browser = new Browser(app);
    const { csrf, nonce } = await formOf(browser, event.slug);
    const res = await browser.post(`/e/${event.slug}/register`, {
      _csrf: csrf,
      _form: nonce,
      website_url: '',
      ...attendee(2),
    });
    t.equal(res.statusCode, 400);
    t.match(textOf(res.body), 'Le formulaire a été envoyé très vite', 'a short explanation');
    t.match(res.body, 'name="firstName"', 'the form again, not a dead end');
    t.match(res.body, `value="${attendee(2).email}"`, 'the answers kept');
    t.equal(formNonceFrom(res.body), nonce, 'the same form, its time kept');
    await nothingStored(t, event.id);
  },
);

t.test('a form filled for longer than the minimum is registered', async (t) => {
  const event = await openEvent(em());
  const browser = new Browser(app);
  const { csrf } = await formOf(browser, event.slug);
  // As the page would have given it 10 seconds ago (signed with the service's key).
  const nonce = issueFormNonce(config.sessionKey, event.id, Date.now() - 10_000);
  const res = await browser.post(`/e/${event.slug}/register`, {
    _csrf: csrf,
    _form: nonce,
    website_url: '',
    ...attendee(3),
  });
  t.equal(res.statusCode, 303);
  t.equal(await em().count(Registration, { event: event.id }), 1);
});

t.test('without a nonce, with a forged one or one of another event: refused, nothing stored', async (t) => {
  const event = await openEvent(em());
  const other = await openEvent(em());
  const browser = new Browser(app);
  const { csrf } = await formOf(browser, event.slug);
  const old = Date.now() - 10_000;
  const forged = issueFormNonce(Buffer.alloc(32, 7), event.id, old);
  for (const nonce of [undefined, forged, issueFormNonce(config.sessionKey, other.id, old), 'x.y.z']) {
    refused(
      t,
      await browser.post(`/e/${event.slug}/register`, {
        _csrf: csrf,
        ...(nonce ? { _form: nonce } : {}),
        ...attendee(4),
      }),
    );
  }
  await nothingStored(t, event.id);
});

t.test(
  'sent too fast with mistakes: the form comes back with its errors (a person who pasted fast), nothing stored',
  async (t) => {
    const event = await openEvent(em());
    const browser = new Browser(app);
    const { csrf, nonce } = await formOf(browser, event.slug);
    const res = await browser.post(`/e/${event.slug}/register`, {
      _csrf: csrf,
      _form: nonce,
      ...attendee(5),
      email: 'pas-une-adresse',
    });
    t.equal(res.statusCode, 400);
    t.match(res.body, 'id="field-email-error"');
    t.equal(formNonceFrom(res.body), nonce, 'the same form, its time kept');
    await nothingStored(t, event.id);
  },
);

import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { issueFormNonce } from '../../src/registrations/form-nonce.js';
import { EMBED_NONCE_MAX_AGE_MS } from '../../src/embed/embed.public.routes.js';
import { PUBLIC_URL, buildTestApp, formEncode, formNonceFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// Embedding on partners' sites (README, Embedding): the embed pages may be framed by the event's
// partner sites, and their form works without any cookie, guarded by its signed nonce and Origin.
const { app, orm, config } = await buildTestApp(t, { FRAME_ANCESTORS: "'self' https://reseau.example" });
const organiser = await signedInOrganiser(app);
const event = await openEvent(orm.em.fork(), { series: 'atelier-solidarite' });
const other = await openEvent(orm.em.fork());
const frameAncestors = (csp: unknown) => /frame-ancestors ([^;]+)/.exec(String(csp))?.[1];
const count = () => orm.em.fork().count(Registration, { event: event.id });
const SAME_ORIGIN = { origin: PUBLIC_URL, 'content-type': 'application/x-www-form-urlencoded' };

/** Posts the embedded form the way the browser does inside the frame: no cookie at all. */
function postEmbedded(fields: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) {
  return app.inject({
    method: 'POST',
    url: `/embed/e/${event.slug}/register?lang=fr`,
    headers,
    payload: formEncode(fields),
  });
}

t.test('organisers list partner sites; wrong addresses are refused with a readable message', async (t) => {
  const url = `/admin/events/${event.id}/partners`;
  const anonymous = await app.inject(url);
  t.equal(anonymous.statusCode, 303, 'organisers only');
  const noToken = await organiser.post(url, { origins: 'https://evil.example' });
  t.equal(noToken.statusCode, 403, 'CSRF-checked like every organiser form');
  const wrong = await organiser.submit(url, url, { origins: 'https://ok.example\nhttp://plain.example/page' });
  t.equal(wrong.statusCode, 400);
  t.match(textOf(wrong.body), 'http://plain.example/page');
  for (const bad of [
    'https://a.example/path',
    'https://*.a.example',
    'https://user@a.example',
    'javascript:alert(1)',
  ]) {
    const refused = await organiser.submit(url, url, { origins: bad });
    t.equal(refused.statusCode, 400, bad);
  }
  const saved = await organiser.submit(url, url, {
    origins: 'https://www.ccas-angers.example\n https://mairie.example:8443/ ',
  });
  t.equal(saved.statusCode, 303);
  const stored = await orm.em.fork().findOneOrFail(Event, { id: event.id });
  t.same(stored.partnerOrigins, ['https://www.ccas-angers.example', 'https://mairie.example:8443']);
  t.match(textOf((await organiser.get(url)).body), 'Les sites partenaires sont enregistrés');
});

t.test('the embed pages name their partners in frame-ancestors; every other page keeps FRAME_ANCESTORS', async (t) => {
  const embed = await app.inject(`/embed/e/${event.slug}`);
  t.equal(embed.statusCode, 200);
  t.equal(
    frameAncestors(embed.headers['content-security-policy']),
    "'self' https://reseau.example https://www.ccas-angers.example https://mairie.example:8443",
  );
  t.equal(embed.headers['x-frame-options'], undefined);
  t.match(embed.headers['content-security-policy'], "script-src 'self'", 'the rest of the policy is kept');
  const otherEmbed = await app.inject(`/embed/e/${other.slug}`);
  t.equal(frameAncestors(otherEmbed.headers['content-security-policy']), "'self' https://reseau.example");
  const agenda = await app.inject('/embed/agenda?series=atelier-solidarite');
  t.match(frameAncestors(agenda.headers['content-security-policy']), 'https://www.ccas-angers.example');
  t.match(agenda.body, event.title);
  for (const page of [`/e/${event.slug}`, `/e/${event.slug}/register`, '/']) {
    const res = await app.inject(page);
    t.equal(frameAncestors(res.headers['content-security-policy']), "'self' https://reseau.example", page);
  }
});

t.test('the embed page talks only to a parent it accepts, with a checked colour', async (t) => {
  const partner = await app.inject(
    `/embed/e/${event.slug}?parent=${encodeURIComponent('https://mairie.example:8443')}&accent=005a9c&show=form`,
  );
  t.match(partner.body, 'data-parent-origin="https://mairie.example:8443"');
  t.match(partner.body, '/embed/accent.css?c=005a9c');
  t.notMatch(partner.body, 'id="programme"', 'form only');
  const stranger = await app.inject(`/embed/e/${event.slug}?parent=https://evil.example&accent=ffff00`);
  t.notMatch(stranger.body, 'data-parent-origin', 'no height sent to a site that is not a partner');
  t.notMatch(stranger.body, 'accent.css', 'a colour white text cannot be read on is ignored');
  const junk = await app.inject(`/embed/e/${event.slug}?accent=red;x&show=<script>`);
  t.equal(junk.statusCode, 200, 'odd options are ignored, never an error');
  const css = await app.inject('/embed/accent.css?c=005a9c');
  t.match(css.body, '--accent:#005a9c');
});

t.test('embed.js is served with a long cache, and a versioned copy with a very long one', async (t) => {
  const script = await app.inject('/embed.js');
  t.equal(script.statusCode, 200);
  t.match(script.headers['content-type'], 'javascript');
  t.match(script.headers['cache-control'], 'max-age=86400');
  t.match(script.body, 'data-atelier-event');
  t.equal(script.headers['cross-origin-resource-policy'], 'cross-origin', "loadable from partners' pages");
  const versioned = await app.inject('/embed/v2.js');
  t.match(versioned.headers['cache-control'], 'immutable');
});

t.test('a person registers in the frame with no cookie; the private link opens in a new tab', async (t) => {
  const page = await app.inject(`/embed/e/${event.slug}?lang=fr`);
  t.notOk(page.headers['set-cookie'] && String(page.headers['set-cookie']).includes('_csrf'), 'no CSRF cookie needed');
  const before = await count();
  const res = await postEmbedded({ _form: formNonceFrom(page.body)!, ...attendee(1) });
  t.equal(res.statusCode, 200);
  t.equal(await count(), before + 1);
  t.match(res.body, /href="\/r\/[A-Za-z0-9_-]{43}" target="_blank" rel="noopener"/);
  t.match(textOf(res.body), 'Inscription confirmée');
  t.match(frameAncestors(res.headers['content-security-policy']), 'https://www.ccas-angers.example');
});

t.test('forged, expired or other-event nonces register nobody', async (t) => {
  const before = await count();
  const forged = await postEmbedded({ _form: 'abc.lz2k0.AAAAAAAAAAAAAAAAAAAAAA', ...attendee(2) });
  t.equal(forged.statusCode, 400);
  const otherEvent = await postEmbedded({ _form: issueFormNonce(config.sessionKey, other.id), ...attendee(3) });
  t.equal(otherEvent.statusCode, 400);
  const old = issueFormNonce(config.sessionKey, event.id, Date.now() - EMBED_NONCE_MAX_AGE_MS - 60_000);
  const expired = await postEmbedded({ _form: old, ...attendee(4) });
  t.equal(expired.statusCode, 400);
  t.match(textOf(expired.body), 'ouvert il y a trop longtemps');
  t.match(expired.body, 'value="Prénom4"', 'the answers are kept to send again');
  const trapped = await postEmbedded({
    _form: issueFormNonce(config.sessionKey, event.id),
    website_url: 'http://spam.example',
    ...attendee(5),
  });
  t.equal(trapped.statusCode, 400, 'honeypot');
  t.equal(await count(), before);
});

t.test('a post from another site, or without Origin nor Sec-Fetch-Site, is refused', async (t) => {
  const before = await count();
  const nonce = () => issueFormNonce(config.sessionKey, event.id);
  const type = { 'content-type': 'application/x-www-form-urlencoded' };
  const cross = await postEmbedded({ _form: nonce(), ...attendee(6) }, { ...type, origin: 'https://evil.example' });
  t.equal(cross.statusCode, 403);
  t.match(textOf(cross.body), 'depuis la page');
  const nullOrigin = await postEmbedded({ _form: nonce(), ...attendee(7) }, { ...type, origin: 'null' });
  t.equal(nullOrigin.statusCode, 403);
  const bare = await postEmbedded({ _form: nonce(), ...attendee(8) }, type);
  t.equal(bare.statusCode, 403);
  const crossSite = await postEmbedded({ _form: nonce(), ...attendee(9) }, { ...type, 'sec-fetch-site': 'cross-site' });
  t.equal(crossSite.statusCode, 403);
  t.equal(await count(), before);
  const fetchSite = await postEmbedded(
    { _form: nonce(), ...attendee(10) },
    { ...type, 'sec-fetch-site': 'same-origin' },
  );
  t.equal(fetchSite.statusCode, 200, 'Sec-Fetch-Site: same-origin without Origin is accepted');
  t.equal(await count(), before + 1);
});

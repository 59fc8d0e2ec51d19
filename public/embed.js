/* Atelier embed v2: replaces <div data-atelier-event="SLUG">, <div data-atelier-agenda> and
   <div data-atelier-directory> by a framed
   Atelier page, resized to its content. No dependency, no eval, no inline style: a partner's CSP needs
   only script-src and frame-src for Atelier's origin (README, Embedding). */
(() => {
  const script = document.currentScript;
  if (!script?.src) return;
  const origin = new URL(script.src).origin;
  const frames = [];
  const SHOW = ['form', 'programme', 'both'];
  const SLUG = /^[a-z0-9-]{1,80}$/;
  const KEY = /^[A-Za-z0-9_-]{1,80}$/;
  const COLOUR = /^#[0-9a-fA-F]{6}$/;

  function options(el, params) {
    const lang = el.getAttribute('data-lang');
    if (lang === 'en' || lang === 'fr') params.set('lang', lang);
    const accent = el.getAttribute('data-accent');
    if (accent && COLOUR.test(accent)) params.set('accent', accent.slice(1));
    params.set('parent', location.origin);
  }

  function frame(el, path, params, titles) {
    const iframe = document.createElement('iframe');
    iframe.src = `${origin}${path}?${params}`;
    iframe.title = el.getAttribute('data-lang') === 'en' ? titles[1] : titles[0];
    iframe.setAttribute('width', '100%');
    iframe.setAttribute('height', '600');
    iframe.setAttribute('frameborder', '0');
    el.textContent = '';
    el.appendChild(iframe);
    frames.push(iframe);
  }

  for (const el of document.querySelectorAll('[data-atelier-event]')) {
    const slug = el.getAttribute('data-atelier-event');
    if (!SLUG.test(slug)) continue;
    const params = new URLSearchParams();
    const show = el.getAttribute('data-show');
    if (SHOW.includes(show)) params.set('show', show);
    options(el, params);
    frame(el, `/embed/e/${slug}`, params, ['Inscription (Atelier)', 'Registration (Atelier)']);
  }

  for (const el of document.querySelectorAll('[data-atelier-agenda]')) {
    const params = new URLSearchParams();
    const series = el.getAttribute('data-series');
    if (series && KEY.test(series)) params.set('series', series);
    const limit = Number.parseInt(el.getAttribute('data-limit') || '', 10);
    if (limit > 0 && limit <= 50) params.set('limit', String(limit));
    options(el, params);
    frame(el, '/embed/agenda', params, ['Prochains événements (Atelier)', 'Upcoming events (Atelier)']);
  }

  for (const el of document.querySelectorAll('[data-atelier-directory]')) {
    const params = new URLSearchParams();
    for (const name of ['type', 'side', 'commune', 'epci']) {
      const value = el.getAttribute(`data-${name}`);
      if (value && KEY.test(value)) params.set(name, value);
    }
    options(el, params);
    frame(el, '/embed/annuaire', params, ['Annuaire des acteurs (Atelier)', 'Directory of actors (Atelier)']);
  }

  // Only from Atelier's origin, only from one of these frames, only a height.
  window.addEventListener('message', (event) => {
    if (event.origin !== origin || !event.data || event.data.atelier !== 'height') return;
    const height = event.data.height;
    if (typeof height !== 'number' || !(height > 0) || height > 20000) return;
    for (const iframe of frames) {
      if (iframe.contentWindow === event.source) iframe.setAttribute('height', String(Math.ceil(height)));
    }
  });
})();

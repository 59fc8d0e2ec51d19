import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import {
  DEFAULT_LOCALE,
  type Locale,
  type Translate,
  isLocale,
  localeFromAcceptLanguage,
  translator,
} from '../i18n/i18n.js';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    t: Translate;
  }
}

/**
 * Language: `?lang=` (remembered in the session), then the session, then Accept-Language, then French.
 * Decided on request, before any route's own checks, so their refusals (403, 429) speak it too.
 */
export default fp(
  async function i18n(app: FastifyInstance) {
    app.decorateRequest('locale', DEFAULT_LOCALE);
    app.decorateRequest('t', null as unknown as Translate);
    app.addHook('onRequest', async (request) => {
      const asked = (request.query as Record<string, unknown> | undefined)?.lang;
      const remembered = request.session?.get('lang');
      let locale: Locale = DEFAULT_LOCALE;
      if (isLocale(asked)) {
        locale = asked;
        if (asked !== remembered) request.session?.set('lang', asked);
      } else if (isLocale(remembered)) locale = remembered;
      else locale = localeFromAcceptLanguage(request.headers['accept-language']) ?? DEFAULT_LOCALE;
      request.locale = locale;
      request.t = translator(locale);
    });
  },
  { name: 'i18n', dependencies: ['security'] },
);

import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { FieldError } from '../errors.js';
import type { Organiser } from '../organisers/organiser.entity.js';
import { formatNumber } from '../i18n/i18n.js';
import { takeNotice } from '../shared/page-door.js';
import { formatDate, formatDateTime, formatTime, utcToZonedLocal } from '../shared/time.js';
import { fromProjectRoot } from '../shared/paths.js';

declare module 'fastify' {
  interface FastifyRequest {
    organiser: Organiser | null;
  }
  interface FastifyReply {
    /** Renders `views/<template>.eta` inside the layout with what every page needs. */
    page(template: string, data?: Record<string, unknown>, status?: number): Promise<FastifyReply>;
    /** The HTML that `page` would send, without sending it (for the public page cache, src/registrations/event-cache.ts). */
    pageHtml(template: string, data?: Record<string, unknown>): Promise<string>;
  }
}

const viewsDir = fromProjectRoot('views');

export default fp(
  async function views(app: FastifyInstance) {
    // Templates are compiled once and cached; autoEscape makes `<%= %>` HTML-safe everywhere.
    await app.register(view, {
      engine: { eta: new Eta({ views: viewsDir, cache: true, autoEscape: true }) },
      templates: viewsDir,
      production: true,
    });
    app.decorateRequest('organiser', null);
    app.decorateReply(
      'page',
      async function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, status = 200) {
        const html = await this.pageHtml(template, data);
        return this.code(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(html);
      },
    );
    app.decorateReply(
      'pageHtml',
      async function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
        const request = this.request;
        const errors = (data.errors as FieldError[] | undefined) ?? [];
        const t = request.t;
        // Only organiser pages carry notices: public pages are cached and never read the session.
        const notice = request.organiser ? takeNotice(this) : null;
        const context = {
          notice: notice ? t(`notices.${notice.key}`, notice.params) : '',
          t,
          locale: request.locale,
          organiser: request.organiser,
          eventRole: request.eventRole,
          csrfToken: this.generateCsrf(),
          path: request.url.split('?')[0],
          errors,
          errorFor: (field: string) => {
            const error = errors.find((e) => e.field === field);
            return error ? t(`errors.${error.code}`, error.params) : '';
          },
          /** A number the locale's way (`0,67` in French). */
          num: (n: number) => formatNumber(request.locale, n),
          fmt: {
            date: (d: Date, tz: string) => formatDate(d, tz, request.locale),
            time: (d: Date, tz: string) => formatTime(d, tz, request.locale),
            dateTime: (d: Date, tz: string) => formatDateTime(d, tz, request.locale),
            local: (d: Date | null | undefined, tz: string) => (d ? utcToZonedLocal(d, tz) : ''),
          },
          ...data,
        };
        return this.viewAsync(template, context);
      },
    );
  },
  { name: 'views', dependencies: ['i18n', 'security'] },
);

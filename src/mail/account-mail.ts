import type { EntityManager } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { type Locale, translator } from '../i18n/i18n.js';
import { type MailSettings, enqueue } from './outbox.service.js';
import type { MailRuntime } from '../plugins/mail.js';
import { issuePasswordReset } from '../organisers/account.service.js';
import { Organiser } from '../organisers/organiser.entity.js';

/**
 * Team invitations go straight to the mail transport, not through the outbox: the link they carry
 * must not sit in a table. Without SMTP_URL they are written to the outbox folder like every other email.
 */
export async function sendAccountMail(mail: MailRuntime, to: string, subject: string, text: string): Promise<void> {
  await mail.transport.sendMail({
    from: { name: mail.settings.from.name, address: mail.settings.from.address },
    to,
    subject,
    text,
  });
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The HTML part of a plain-text account email: its paragraphs, with the link (if any) clickable. */
function htmlOf(text: string, link: string | null): string {
  const paragraphs = text.split(/\n{2,}/).map((p) => {
    let html = escapeHtml(p).split('\n').join('<br>');
    if (link) html = html.split(escapeHtml(link)).join(`<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`);
    return `<p>${html}</p>`;
  });
  return `<!doctype html><html><body>${paragraphs.join('\n')}</body></html>\n`;
}

/**
 * "Forgotten password": whether or not an account uses the address, the request does the same
 * work: one lookup, then in one transaction one email queued in the outbox, which the worker sends
 * after the answer (never an SMTP round trip in the request). The account holder gets the link (or,
 * when one was sent minutes ago, a reminder to use it); an address with no account gets an email
 * saying so, which is true and useful to whoever typed it. Rate-limited per address by the route.
 * The email belongs to no event, so no organiser's email pages, exports or API show it.
 */
export async function requestPasswordReset(
  em: EntityManager,
  rawEmail: string,
  settings: MailSettings,
  locale: Locale,
  now = new Date(),
): Promise<void> {
  const email = rawEmail.trim().toLowerCase();
  if (!email.includes('@')) return;
  const t = translator(locale);
  await em.transactional(async (tx) => {
    // Only what the email needs: a whole entity would be flushed back with the reset row.
    const organiser = await tx.findOne(Organiser, { email }, { fields: ['id', 'email', 'name'] });
    let subject: string;
    let text: string;
    let link: string | null = null;
    if (!organiser) {
      subject = t('account.reset.noAccountSubject');
      text = t('account.reset.noAccountBody', { email });
    } else {
      // Partly loaded, it serves only as the reset row's reference to its organiser.
      const token = await issuePasswordReset(tx, organiser as Organiser, now);
      if (token) {
        link = `${settings.publicUrl}/admin/password-reset/${token}`;
        subject = t('account.reset.mailSubject');
        text = t('account.reset.mailBody', { name: organiser.name, link });
      } else {
        subject = t('account.reset.recentSubject');
        text = t('account.reset.recentBody', { name: organiser.name });
      }
    }
    await enqueue(
      tx,
      [
        {
          event: null,
          registration: null,
          kind: 'password_reset',
          // One email per request (the route's rate limit bounds them); the token never goes in a key.
          dedupeKey: `account:password_reset:${randomBytes(16).toString('base64url')}`,
          recipient: organiser?.email ?? email,
          recipientName: organiser?.name ?? '',
          locale,
          subject,
          text: `${text}\n`,
          html: htmlOf(text, link),
        },
      ],
      settings,
      now,
    );
  });
}

import type { MailRuntime } from '../plugins/mail.js';

/**
 * Emails about an organiser's own account (reset links, team invitations) go straight to the mail
 * transport, not through the outbox: the link they carry must not sit in a table other organisers
 * can read. Without SMTP_URL they are written to the outbox folder like every other email.
 */
export async function sendAccountMail(mail: MailRuntime, to: string, subject: string, text: string): Promise<void> {
  await mail.transport.sendMail({
    from: { name: mail.settings.from.name, address: mail.settings.from.address },
    to,
    subject,
    text,
  });
}

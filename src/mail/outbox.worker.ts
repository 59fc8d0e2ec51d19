import nodemailer, { type SMTPTransportOptions, type SendMailOptions } from 'nodemailer';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MailConfig } from '../config.js';
import type { Orm } from '../db/orm.js';
import { OutboxMessage } from './outbox.entity.js';

/**
 * The outbox worker: sends the emails stored in `outbox_message`.
 *
 * Delivery guarantee: at least once towards the SMTP server, and once in practice.
 * - An email exists only if what caused it was committed (same transaction), and it stays in the
 *   table until the SMTP server has accepted it (`sendMail` resolves after the server's 250 to
 *   DATA); only then is it marked `sent`. A refused or failed attempt is retried with backoff
 *   (RETRY_DELAYS), then marked `failed` and shown to organisers, who can put it back in the queue.
 * - A worker claims a message with one conditional UPDATE (pending and due, or `sending` with an
 *   expired lease); only the worker whose UPDATE changed the row sends it. Several workers on one
 *   PostgreSQL database (several instances) therefore never send the same message concurrently.
 * - A worker that dies while sending leaves the message `sending`; once its lease (LEASE_MS, far
 *   longer than the SMTP timeouts) has expired another worker, or the same service after a
 *   restart, takes it over. The one case that can give a duplicate is a crash after the SMTP
 *   server accepted the message and before the status update: the message is then sent again,
 *   with the same Message-ID, which lets receiving systems recognise the copy.
 * - The dedupe key of each message (unique in the database) keeps one cause from ever queueing
 *   two emails, and a message marked `sent` is never picked again.
 */

/** Delays before the 2nd…6th attempts; after the 6th failure the message is `failed`. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a claim holds; a `sending` message older than this is considered abandoned. */
export const LEASE_MS = 10 * 60_000;

/** What the worker sends through: a nodemailer transporter (SMTP), or the .eml folder below. */
export interface MailTransport {
  sendMail(options: SendMailOptions): Promise<{ messageId?: string; response?: string }>;
  close?(): void;
}

/** Without SMTP_URL: each email is written, exactly as it would be sent, to a .eml file in the outbox folder. */
export class EmlFolderTransport implements MailTransport {
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  constructor(readonly dir: string) {}

  async sendMail(options: SendMailOptions) {
    const info = await this.composer.sendMail(options);
    const name = `${String(info.messageId ?? randomBytes(8).toString('hex'))
      .replace(/[<>]/g, '')
      .replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;
    const path = join(this.dir, name);
    // Written under another name then renamed: a crash never leaves half a message behind.
    this.write(`${path}.tmp`, info.message as Buffer);
    renameSync(`${path}.tmp`, path);
    return { messageId: info.messageId, response: `written to ${path}` };
  }

  /** The folder is created by the first email, or again if it was removed since (not looked for before each one). */
  private write(path: string, content: Buffer) {
    try {
      writeFileSync(path, content);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(path, content);
    }
  }

  close() {
    this.composer.close();
  }
}

export function createMailTransport(mail: MailConfig): MailTransport {
  if (!mail.smtpUrl) return new EmlFolderTransport(mail.outboxDir);
  // Bounded waits, so a slow or silent server fails the attempt (and it is retried) well within the lease.
  return nodemailer.createTransport({
    url: mail.smtpUrl,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  } as SMTPTransportOptions);
}

export function messageIdOf(message: OutboxMessage): string {
  const domain = message.fromAddress.split('@')[1] || 'atelier.invalid';
  return `<atelier-outbox-${message.id}@${domain}>`;
}

/** The message as nodemailer takes it; the same options give the .eml download of the organiser pages. */
export function mailOptions(message: OutboxMessage): SendMailOptions {
  return {
    messageId: messageIdOf(message),
    date: message.createdAt,
    from: { name: message.fromName, address: message.fromAddress },
    to: { name: message.recipientName, address: message.recipient },
    replyTo: message.replyTo ?? undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    icalEvent: message.ics
      ? { method: message.icsMethod ?? 'REQUEST', filename: 'invitation.ics', content: message.ics }
      : undefined,
    headers: { 'X-Atelier-Kind': message.kind },
  };
}

interface SmtpError {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** A 5xx answer to RCPT TO means the address itself is refused: retrying cannot help. Anything else is retried. */
export function isPermanent(error: SmtpError): boolean {
  return (
    typeof error.responseCode === 'number' &&
    error.responseCode >= 500 &&
    error.responseCode < 600 &&
    /RCPT/i.test(error.command ?? '')
  );
}

function describeError(error: SmtpError): string {
  const text = [error.code, error.responseCode, error.response ?? error.message]
    .filter((v) => v !== undefined && v !== '')
    .join(' ');
  return text.slice(0, 1000) || 'unknown error';
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

export interface DrainOptions {
  /** Messages looked at per query. */
  batch?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Stops between two messages (the service is shutting down). */
  signal?: AbortSignal;
}

/** Sent messages are marked `sent` together, at most this many at a time (see drainOutbox). */
const MARK_BATCH = 10;

/**
 * Sends every message due at `now`, one at a time, and returns what happened. The clock is a
 * parameter so retries and leases can be tested by passing later times.
 *
 * Statements per email: each batch of due messages is read once, whole (no second read per message);
 * each message is claimed by its own conditional UPDATE (so a worker that dies holds one message,
 * not a batch); the messages the SMTP server accepted are marked `sent` together, up to MARK_BATCH
 * at a time, and always before the drain returns or stops. A crash between an acceptance and its
 * mark sends that message again after its lease (as before, with the same Message-ID), now for at
 * most MARK_BATCH messages instead of one.
 */
export async function drainOutbox(
  orm: Orm,
  transport: MailTransport,
  now: Date = new Date(),
  options: DrainOptions = {},
): Promise<DrainResult> {
  const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
  const batch = options.batch ?? 50;
  const skipped = new Set<number>();
  const sent: OutboxMessage[] = [];
  try {
    for (;;) {
      const em = orm.em.fork();
      const due = await em.find(
        OutboxMessage,
        {
          $or: [
            { status: 'pending', nextAttemptAt: { $lte: now } },
            { status: 'sending', claimedUntil: { $lt: now } },
          ],
          id: { $nin: [...skipped, 0] },
        },
        { orderBy: { nextAttemptAt: 'asc', id: 'asc' }, limit: batch },
      );
      if (!due.length) return result;
      for (const message of due) {
        if (options.signal?.aborted) return result;
        skipped.add(message.id);
        const outcome = await sendOne(orm, transport, message, now, options);
        if (outcome === 'sent') {
          result.sent += 1;
          sent.push(message);
          if (sent.length >= MARK_BATCH) await markSent(orm, sent.splice(0), now);
        } else if (outcome) result[outcome] += 1;
      }
    }
  } finally {
    if (sent.length) await markSent(orm, sent.splice(0), now);
  }
}

/**
 * The SMTP server has accepted these: whoever holds the claim now, they are sent. A password reset
 * link is then no longer kept in the table (the database holds only its hash elsewhere).
 */
async function markSent(orm: Orm, messages: OutboxMessage[], now: Date): Promise<void> {
  const em = orm.em.fork();
  const done = { status: 'sent' as const, sentAt: now, claimedUntil: null, claimToken: null, lastError: null };
  const resets = messages.filter((m) => m.kind === 'password_reset').map((m) => m.id);
  const others = messages.filter((m) => m.kind !== 'password_reset').map((m) => m.id);
  if (others.length)
    await em.nativeUpdate(OutboxMessage, { id: { $in: others }, status: { $ne: 'sent' } }, { ...done, updatedAt: now });
  if (resets.length)
    await em.nativeUpdate(
      OutboxMessage,
      { id: { $in: resets }, status: { $ne: 'sent' } },
      { ...done, updatedAt: now, text: '', html: '' },
    );
}

/** Claims, then sends one message read by the drain; 'sent' is marked by the caller (markSent). */
async function sendOne(
  orm: Orm,
  transport: MailTransport,
  message: OutboxMessage,
  now: Date,
  options: DrainOptions,
): Promise<keyof DrainResult | null> {
  const em = orm.em.fork();
  const { id, attempts } = message;
  const token = randomBytes(16).toString('hex');
  // The claim: only one worker's UPDATE matches; the others see 0 rows and leave the message alone.
  const claimed = await em.nativeUpdate(
    OutboxMessage,
    {
      id,
      attempts,
      $or: [
        { status: 'pending', nextAttemptAt: { $lte: now } },
        { status: 'sending', claimedUntil: { $lt: now } },
      ],
    },
    {
      status: 'sending',
      claimedUntil: new Date(now.getTime() + LEASE_MS),
      claimToken: token,
      attempts: attempts + 1,
      updatedAt: now,
    },
  );
  if (claimed !== 1) return null;
  // What was read is what is sent: an email's content never changes once queued.
  message.attempts = attempts + 1;
  try {
    await transport.sendMail(mailOptions(message));
  } catch (error) {
    const problem = error as SmtpError;
    const spent = message.attempts >= MAX_ATTEMPTS || isPermanent(problem);
    const update = spent
      ? {
          status: 'failed' as const,
          claimedUntil: null,
          claimToken: null,
          lastError: describeError(problem),
          updatedAt: now,
        }
      : {
          status: 'pending' as const,
          nextAttemptAt: new Date(now.getTime() + RETRY_DELAYS_MS[message.attempts - 1]),
          claimedUntil: null,
          claimToken: null,
          lastError: describeError(problem),
          updatedAt: now,
        };
    // Only while the claim is still ours: a worker that lost its lease does not overwrite another's outcome.
    await em.nativeUpdate(OutboxMessage, { id, status: 'sending', claimToken: token }, update);
    (spent ? options.log?.error : options.log?.warn)?.call(
      options.log,
      { outboxId: id, attempts: message.attempts, err: describeError(problem) },
      spent ? 'email failed' : 'email delivery failed, will retry',
    );
    return spent ? 'failed' : 'retried';
  }
  return 'sent';
}

export interface WorkerOptions {
  intervalMs?: number;
  log?: DrainOptions['log'];
}

/** Runs drainOutbox in the background: every `intervalMs`, and soon after `wake()`. One drain at a time. */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private abort = new AbortController();

  constructor(
    private readonly orm: Orm,
    private readonly transport: MailTransport,
    private readonly options: WorkerOptions = {},
  ) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.timer = setInterval(() => this.wake(), this.options.intervalMs ?? 10_000);
    this.timer.unref();
    this.wake();
  }

  /** Asks for a drain now (e.g. after a request that may have queued emails). */
  wake() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** The drain in progress, if any (tests wait for it). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async loop() {
    do {
      this.again = false;
      try {
        await drainOutbox(this.orm, this.transport, new Date(), { log: this.options.log, signal: this.abort.signal });
      } catch (error) {
        this.options.log?.error({ err: error }, 'outbox worker error');
      }
    } while (this.again && !this.stopped);
  }

  /** Stops taking new messages and waits for the current one to finish. */
  async stop() {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

import { type ParsedMail, simpleParser } from 'mailparser';
import { type AddressInfo, createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/** A port with nothing listening on it (a mail server that is down), free to start one on later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 that keeps what it receives, parsed by
 * mailparser. `refuseRecipients` makes it answer RCPT TO with an error (e.g. 451 or 550) instead.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  refuseRecipients: { code: number; message: string } | null = null;
  /** While set, the server holds every RCPT TO until it resolves: a mail server that is slow to answer. */
  hold: Promise<void> | null = null;
  private waiters: { count: number; resolve: () => void }[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<TestSmtpServer> {
    let self: TestSmtpServer | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      async onRcptTo(_address, _session, callback) {
        if (self?.hold) await self.hold;
        const refusal = self?.refuseRecipients;
        if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await simpleParser(raw);
          self?.receive({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
    self = new TestSmtpServer(server, address.port);
    return self;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private receive(mail: ReceivedMail) {
    this.received.push(mail);
    this.waiters = this.waiters.filter((w) => {
      if (this.received.length < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `count` messages have arrived (no polling, no timer). */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The raw MIME headers of the message's calendar part, e.g. "text/calendar; charset=utf-8; method=REQUEST". */
export function calendarContentTypes(raw: string): string[] {
  return [...raw.matchAll(/^Content-Type:\s*(text\/calendar[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/gim)].map((m) =>
    m[1].replace(/\r?\n[ \t]+/g, ' '),
  );
}

/** The text of the message's calendar (the text/calendar alternative), decoded. */
export function calendarOf(mail: ReceivedMail): string {
  const part = mail.parsed.attachments.find(
    (a) => a.contentType === 'text/calendar' || a.contentType === 'application/ics',
  );
  if (!part) throw new Error(`no calendar in "${mail.parsed.subject}"`);
  return part.content.toString('utf8');
}

/**
 * A real SMTP server in-process (smtp-server) that keeps every message it accepts, parsed (mailparser).
 * `rcpt(address, attempt)` may answer an SMTP reply code to refuse a recipient: 550 (permanent) or
 * 451 (temporary); `attempt` counts the RCPT commands for that address.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** RCPT commands seen per address. */
  rcpts: Map<string, number>;
  close(): Promise<void>;
}

export async function startTestSmtp(
  opts: { rcpt?: (address: string, attempt: number) => number | null } = {},
): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const rcpts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      const a = address.address.toLowerCase();
      const n = (rcpts.get(a) ?? 0) + 1;
      rcpts.set(a, n);
      const code = opts.rcpt?.(a, n) ?? null;
      if (code === null) {
        cb();
        return;
      }
      const e = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & { responseCode: number };
      e.responseCode = code;
      cb(e);
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then(
        (m) => {
          messages.push(m);
          cb();
        },
        (e: Error) => cb(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    rcpts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

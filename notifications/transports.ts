/**
 * The delivery channels (ADR 0025): email over SMTP (nodemailer) and SMS through a pluggable HTTP
 * gateway. Each send either succeeds, or fails in one of two ways the delivery activity tells apart:
 * {@link PermanentDeliveryError} (an SMTP 5xx rejection, a gateway 4xx: the message is `bounced`, never
 * retried) and any other error (a 4xx SMTP reply, a refused connection, a gateway 5xx or timeout:
 * temporary, retried with backoff until the retry period ends, then `failed`).
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

/** A failure that retrying cannot fix: the delivery is `bounced`. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** An email to send. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per delivery: lets a receiving system recognise a retried message. */
  messageId: string;
}

export interface EmailTransport {
  send(m: EmailMessage): Promise<void>;
  close(): void;
}

/** SMTP reply codes 500–599 are permanent (RFC 5321 §4.2.1); 4xx and connection errors are not. */
export function isPermanentSmtpError(e: unknown): boolean {
  const code = (e as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** An SMTP transport on `smtpUrl` (`smtp://host:port`, `smtps://user:pass@host:465`). */
export function createEmailTransport(opts: { smtpUrl: string; from: string; timeoutMs?: number }): EmailTransport {
  const timeout = opts.timeoutMs ?? 30_000;
  const transporter: Transporter = nodemailer.createTransport(opts.smtpUrl, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as never);
  return {
    async send(m) {
      try {
        await transporter.sendMail({
          from: opts.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: m.messageId,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
      } catch (e) {
        const msg = smtpErrorText(e);
        if (isPermanentSmtpError(e)) throw new PermanentDeliveryError(msg);
        throw new Error(msg, { cause: e });
      }
    },
    close: () => transporter.close(),
  };
}

/** The SMTP reply or error code, without the message's content. */
function smtpErrorText(e: unknown): string {
  const x = e as { responseCode?: number; response?: string; code?: string; message?: string };
  if (typeof x.responseCode === 'number') return `SMTP ${x.responseCode}: ${String(x.response ?? '').slice(0, 200)}`;
  return `${x.code ?? 'error'}: ${String(x.message ?? e).slice(0, 200)}`;
}

/** An SMS to send. */
export interface SmsMessage {
  to: string;
  text: string;
  /** Stable per delivery: the gateway should drop a repeat of an id it accepted. */
  id: string;
}

export interface SmsTransport {
  send(m: SmsMessage): Promise<void>;
}

/**
 * The SMS gateway contract (README, ADR 0025): `POST <SMS_GATEWAY_URL>` with
 * `Authorization: Bearer <SMS_GATEWAY_TOKEN>`, `Content-Type: application/json`,
 * `Idempotency-Key: <id>` and the body `{ "id": "<id>", "to": "+84…", "text": "…" }`. Any 2xx: accepted.
 * 400–499 except 408 and 429: refused for good (`bounced`). Anything else, or no answer within the
 * timeout: retried.
 */
export function createSmsTransport(opts: {
  url: string;
  token?: string | undefined;
  timeoutMs?: number;
}): SmsTransport {
  return {
    async send(m) {
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': m.id,
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          },
          body: JSON.stringify({ id: m.id, to: m.to, text: m.text }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
        });
      } catch (e) {
        throw new Error(`SMS gateway unreachable: ${(e as Error).name}`, { cause: e });
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        throw new PermanentDeliveryError(`SMS gateway refused: HTTP ${res.status}`);
      }
      throw new Error(`SMS gateway: HTTP ${res.status}`);
    },
  };
}

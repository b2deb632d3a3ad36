/** The one way the console talks to the system: the typed client of the public HTTP API (clients/typescript). */
import { createKntcClient, type KntcClient, type Problem } from '../../clients/typescript/index.js';
import { readToken } from './session.js';

export type { Problem };
export type { components } from '../../clients/typescript/index.js';

/** A client for the current page's origin (the API serves the console: one URL) with the session's token. */
export function api(): KntcClient {
  return createKntcClient(window.location.origin, readToken() ?? '');
}

/** An answer that is not 2xx: its problem+json (RFC 9457) and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

/** The data of an openapi-fetch answer, or throws its problem (react-query shows it). */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok) throw new ApiError(r.response.status, r.error as Problem | undefined);
  return r.data as T;
}

/** A fresh Idempotency-Key for one user action (a retry of the same click reuses it). */
export function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Saves an attachment the API answered (`parseAs: 'blob'`) under the name its Content-Disposition gives, or
 * throws its problem as `ok` does.
 */
export function saveAttachment(r: { data?: unknown; error?: unknown; response: Response }, fallback: string): void {
  const blob = ok(r) as unknown as Blob;
  const cd = r.response.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(cd)?.[1] ?? fallback;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A civil day (YYYY-MM-DD) as the instant its Vietnam day starts (`end`: the next day's start). */
export function vnDayStart(day: string, end = false): string {
  if (!end) return `${day}T00:00:00+07:00`;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return `${d.toISOString().slice(0, 10)}T00:00:00+07:00`;
}

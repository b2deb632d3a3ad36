import { DateTime } from 'luxon';
import { z } from 'zod';

/** Shared request/response building blocks (zod; exported to OpenAPI through `.meta`). */

export const UuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const CaseId = z.string().regex(UuidRe).meta({ description: 'Case id (UUID)', example: '0b6f3b4e-1234-4000-8000-000000000001' });

export const AgencyId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore')
  .meta({ description: 'Agency id in the agency tree', example: 'so-tnmt' });

/** An ISO-8601 instant with an explicit offset (the receipt time drives the law version and every clock). */
export const IsoInstant = z.string().max(40).refine(
  (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && DateTime.fromISO(s, { setZone: true }).isValid,
  { message: 'must be an ISO-8601 date-time with an offset, e.g. 2026-07-01T09:30:00+07:00' },
).meta({ format: 'date-time', example: '2026-07-01T09:30:00+07:00' });

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * A definition element id used as a filter (`stage=verify`). Literal JSON words are refused so
 * that a mistyped value is an error rather than an empty result.
 */
export const NodeRef = z.string().max(100).regex(/^(?!(?:true|false|null)$)[A-Za-z_][A-Za-z0-9_.-]*$/, 'an element id such as verify');

/** Opaque keyset cursor: base64url of `{ k: sort key, id }`. */
export interface CursorValue { k: string; id: string; t?: string }
export function encodeCursor(c: CursorValue): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
export const Cursor = z.string().max(500).transform((s, ctx) => {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    const o = v as Record<string, unknown>;
    if (o && typeof o === 'object' && typeof o.k === 'string' && typeof o.id === 'string' && o.k.length < 100 && o.id.length < 200
      && (o.k === 'infinity' || DateTime.fromSQL(o.k).isValid || DateTime.fromISO(o.k).isValid)) {
      return { k: o.k, id: o.id, ...(typeof o.t === 'string' ? { t: o.t } : {}) } as CursorValue;
    }
  } catch { /* fall through */ }
  ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
  return z.NEVER;
}).meta({ description: 'Cursor: the `after` value of the previous page\'s `next` link' });

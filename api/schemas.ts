import { DateTime } from 'luxon';
import { z } from 'zod';
import { isIsoDate } from '../workflows/clock/days.js';
import { textProblem } from '../workflows/text-check.js';

/** Shared request/response building blocks (zod; exported to OpenAPI through `.meta`). */

export const UuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A reception schedule entry id (`rse_` and 16 hex digits, api/services/reception-schedule.ts). */
export const ScheduleEntryId = z
  .string()
  .regex(/^rse_[0-9a-f]{16}$/, 'a schedule entry id such as rse_0123456789abcdef');

export const CaseId = z
  .string()
  .regex(UuidRe)
  .meta({ description: 'Case id (UUID)', example: '0b6f3b4e-1234-4000-8000-000000000001' });

/**
 * The Vietnamese display name beside a case's `stage` (processes/builtin/labels-vi.ts): the label of a built-in
 * step or synthetic stage, the name as it is otherwise. `stage` stays the value to compare and filter on.
 */
export const StageLabel = z.string().meta({
  description:
    'Vietnamese display name of `stage`: the label of a built-in step (its node names are English and never change) ' +
    'or of `starting` / `received` / `completed:<outcome>` / `cancelled`; the name as it is for a custom step. ' +
    'Show this; compare and filter on `stage`',
  example: 'Xác minh nội dung khiếu nại',
});

/**
 * The Vietnamese display name beside a task's `name` (processes/builtin/labels-vi.ts nodeLabel): a user task is
 * named by its node, so a built-in task reads as its step's label; a custom task's name as it is.
 */
export const NameLabel = z.string().meta({
  description:
    "Vietnamese display name of the task's `name`: the label of a built-in step (its node names are English and never " +
    'change); the name as it is for a task of a custom definition. Show this; compare on `nodeId` / `name`',
  example: 'Thụ lý hoặc không thụ lý khiếu nại',
});

export const AgencyId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore')
  .meta({ description: 'Agency id in the agency tree', example: 'so-tnmt' });

const ISO_INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
/** Years an instant may have: PostgreSQL has no year 0, and nothing in this domain predates 1900. */
export const MIN_YEAR = 1900;
/** The largest offset PostgreSQL's timestamptz accepts is ±15:59 (ADR 0016). */
export const MAX_OFFSET_HOURS = 15;
/** An ISO-8601 instant with an explicit offset (the receipt time drives the law version and every clock). */
export const IsoInstant = z
  .string()
  .max(40)
  .refine(
    (s) => {
      const m = ISO_INSTANT.exec(s);
      return (
        m !== null &&
        +m[1]! >= MIN_YEAR &&
        (m[5] === undefined || (+m[5] <= MAX_OFFSET_HOURS && +m[6]! <= 59)) &&
        DateTime.fromISO(s, { setZone: true }).isValid
      );
    },
    {
      message: `must be an ISO-8601 date-time with an offset (at most ±${MAX_OFFSET_HOURS}:59, year ${MIN_YEAR} or later), e.g. 2026-07-01T09:30:00+07:00`,
    },
  )
  .meta({ format: 'date-time', example: '2026-07-01T09:30:00+07:00' });

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * A definition element id used as a filter (`stage=verify`). Literal JSON words are refused so
 * that a mistyped value is an error rather than an empty result.
 */
export const NodeRef = z
  .string()
  .max(100)
  .regex(/^(?!(?:true|false|null)$)[A-Za-z_][A-Za-z0-9_.-]*$/, 'an element id such as verify');

/** Opaque keyset cursor: base64url of `{ k: sort key, id }`. */
export interface CursorValue {
  k: string;
  id: string;
  t?: string;
  /** The kind of item the page ended on, for lists merging several kinds (the task inbox: ADR 0039). */
  r?: string;
}
export function encodeCursor(c: CursorValue): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
/**
 * A sort key as the API writes it into cursors: PostgreSQL's `timestamptz::text`
 * (`2026-07-01 02:30:00.123456+00`), an ISO instant, or `±infinity`. Strict, so that a well-formed but
 * foreign value (`2026-W05-3`, year 0, an offset of +19:61) is a 400, never a database error (ADR 0016).
 */
const SORT_KEY =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)?$/;
export function isSortKey(k: string): boolean {
  if (k === 'infinity' || k === '-infinity') return true;
  const m = SORT_KEY.exec(k);
  if (!m) return false;
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  const day = new Date(Date.UTC(2000, mo - 1, d)); // a leap year: 29/02 is then checked below
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || day.getUTCMonth() !== mo - 1) return false;
  if (mo === 2 && d === 29 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return false;
  if (m[4] !== undefined && (+m[4] > 23 || +m[5]! > 59 || (m[6] !== undefined && +m[6] > 59))) return false;
  return m[8] === undefined || (+m[8] <= MAX_OFFSET_HOURS && (m[9] === undefined || +m[9] <= 59));
}
export const Cursor = z
  .string()
  .max(500)
  .transform((s, ctx) => {
    try {
      const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
      const o = v as Record<string, unknown>;
      if (
        o &&
        typeof o === 'object' &&
        !Array.isArray(o) &&
        typeof o.k === 'string' &&
        typeof o.id === 'string' &&
        o.k.length < 100 &&
        o.id.length < 200 &&
        (o.t === undefined || (typeof o.t === 'string' && o.t.length < 200 && textProblem(o.t, false) === null)) &&
        (o.r === undefined || (typeof o.r === 'string' && /^[a-z]{1,20}$/.test(o.r))) &&
        isSortKey(o.k) &&
        textProblem(o.id, false) === null
      ) {
        return {
          k: o.k,
          id: o.id,
          ...(typeof o.t === 'string' ? { t: o.t } : {}),
          ...(typeof o.r === 'string' ? { r: o.r } : {}),
        } as CursorValue;
      }
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
    return z.NEVER;
  })
  .meta({ description: "Cursor: the `after` value of the previous page's `next` link" });

/**
 * Required text of at most `max` characters, trimmed. Control characters are refused (422 naming the field,
 * `textProblem` of workflows/text-check.ts): all of them in a one-line text (a name, a title, an address);
 * a free text (`{ multiline: true }`: a summary, a note, a reason) may hold tab and line breaks.
 */
export const Text = (max: number, opts: { multiline?: boolean } = {}) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((s, ctx) => {
      const m = textProblem(s, opts.multiline === true);
      if (m) ctx.addIssue({ code: 'custom', message: m });
    });

/** A UUID (lower-case hex, as PostgreSQL writes it). */
export const Uuid = z.string().regex(UuidRe, 'a UUID');

/** An existing calendar day written `YYYY-MM-DD`. */
export const IsoDay = z
  .string()
  .refine(isIsoDate, { message: 'must be an existing day written YYYY-MM-DD' })
  .meta({ example: '2026-12-10' });

/** An identity card or passport number. */
export const IdNumber = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{6,20}$/, '6-20 letters or digits');

/** A phone number as people write it. */
export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9 .-]{6,20}$/, 'a phone number');

/** A visitor, a representative: personal data stored encrypted (like case parties). */
export const VisitorInput = z
  .strictObject({
    name: Text(200),
    idNumber: IdNumber.optional(),
    phone: PhoneNumber.optional(),
    address: Text(500).optional(),
    email: z.email().max(254).optional(),
  })
  .meta({ id: 'VisitorInput' });

/**
 * The next-page URL of a keyset-paginated list: its query without `after`, plus the cursor of the last row (by
 * default its `sortKey` and `id`); null when the page was not full.
 */
export function nextLink<R>(
  path: string,
  query: Record<string, unknown>,
  rows: readonly R[],
  limit: number,
  cursorOf: (row: R) => { k: string; id: string } = (r) => {
    const x = r as { sortKey: string; id: string };
    return { k: x.sortKey, id: x.id };
  },
): string | null {
  const last = rows[rows.length - 1];
  if (rows.length < limit || last === undefined) return null;
  const rest = new URLSearchParams(
    Object.entries(query).flatMap(([k, v]): Array<[string, string]> =>
      v === undefined || k === 'after' ? [] : [[k, String(v)]],
    ),
  );
  rest.set('after', encodeCursor(cursorOf(last)));
  return `${path}?${rest.toString()}`;
}

/**
 * Shared zod primitives of the definition model: identifiers, calendar dates, ISO durations.
 * Pure: bundled into the Temporal workflow sandbox.
 */
import { DateTime, Duration } from 'luxon';
import { z } from 'zod';

/** Element ids double as BPMN XML ids, so they must be XML NCNames (no spaces, no colon). */
export const elementIdSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be an XML-safe id: a letter or _ followed by letters, digits, _ . -');

/** Definition keys: lower-case slugs, also used as the BPMN process id. */
export const definitionKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'must be a lower-case slug (a-z, 0-9, _ and -), starting with a letter');

/** Names used inside the engine (variables, roles, activities, messages, case events, outcomes). */
export const identifierSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits, _; not starting with a digit)');

/** A real calendar date written YYYY-MM-DD (validated through luxon, so 2026-02-30 is rejected). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: 'utc' }).isValid, 'is not a real calendar date')
  // PostgreSQL has no year 0 (a 500 before, ADR 0016); no rule of this domain predates 1900.
  .refine((s) => Number(s.slice(0, 4)) >= 1900, 'must be in 1900 or later');

/** An ISO-8601 duration such as P3D or PT12H (must be non-zero). */
export const isoDurationSchema = z.string().refine((s) => {
  const d = Duration.fromISO(s);
  return d.isValid && d.toMillis() > 0;
}, 'must be a positive ISO-8601 duration such as P3D or PT12H');

/** An article citation, e.g. "Luật Khiếu nại 2011 Art 28". */
export const legalBasisSchema = z.string().trim().min(1, 'must not be empty');

/** JSON values (variables, defaults) — what Temporal payloads and Postgres jsonb can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const jsonValueSchema: z.ZodType<JsonValue> = z.json();

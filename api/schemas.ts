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

/**
 * The body of `POST /v1/cases` (`CreateCaseBody`) and its parts, apart from the route so that the services
 * that build a case-start body themselves (api/services/reception.ts) check it against the same schema.
 */
import { z } from 'zod';
import { PARTY_ROLES } from '../db/parties.js';
import { CHANNELS } from '../processes/builtin/index.js';
import { AgencyId, IdNumber, IsoInstant, PhoneNumber } from './schemas.js';

/** A party as given at intake; stored encrypted before the workflow starts (only references reach Temporal). */
export const PartyInput = z
  .strictObject({
    role: z.enum(PARTY_ROLES),
    name: z.string().trim().min(1).max(200),
    idNumber: IdNumber.optional(),
    phone: PhoneNumber.optional(),
    address: z.string().trim().min(1).max(500).optional(),
    email: z.email().max(254).optional(),
    isRepresentative: z.boolean().default(false),
  })
  .meta({ id: 'PartyInput' });

/** Metadata of a document received with the case (the file itself lives in the document store). */
export const AttachmentInput = z
  .strictObject({
    name: z.string().trim().min(1).max(255),
    mediaType: z
      .string()
      .max(100)
      .regex(/^[A-Za-z]+\/[A-Za-z0-9.+-]+$/, 'a media type such as application/pdf'),
    sizeBytes: z.number().int().min(0).max(1_000_000_000),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits')
      .optional(),
    pages: z.number().int().min(1).max(100_000).optional(),
  })
  .meta({ id: 'AttachmentInput' });

/** Where the matter arose: a province and, when known, a commune of the 2025 administrative units. */
export const Place = z
  .strictObject({
    provinceCode: z.string().regex(/^\d{2}$/, 'a 2-digit province code (2025 units)'),
    communeCode: z
      .string()
      .regex(/^\d{5}$/, 'a 5-digit commune code (2025 units)')
      .optional(),
  })
  .meta({
    id: 'Place',
    description: 'Province and commune/ward codes of the 2025 administrative units (General Statistics Office)',
  });

/** A sector of the configurable list (`land`, `compensation_site_clearance`, `environment`, …). */
export const SectorCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a sector code such as land')
  .meta({ description: 'Sector code of the configurable list (e.g. `land`, `environment`, `corruption`)' });

const ISO_INSTANT_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/**
 * `IsoInstant`'s check (api/schemas.ts: the pattern and luxon's validity) without luxon for the strings a
 * client sends (ADR 0011, follow-up 2): a match whose fields are all in range (month, the day in that month
 * of the Gregorian calendar, hour ≤ 23, minute and second ≤ 59, offset ≤ 15:59) is valid for luxon too;
 * anything else (hour 24, year before 1900, an odd offset) goes to luxon. Checked equal over random strings
 * (test/unit/case-start-fast.test.ts).
 */
export function isIsoInstant(s: string): boolean {
  const m = ISO_INSTANT_PARTS.exec(s);
  if (m) {
    const y = +m[1]!,
      mo = +m[2]!,
      d = +m[3]!;
    const days =
      mo === 2
        ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
          ? 29
          : 28
        : mo === 4 || mo === 6 || mo === 9 || mo === 11
          ? 30
          : 31;
    if (
      y >= 1900 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= days &&
      +m[4]! <= 23 &&
      +m[5]! <= 59 &&
      (m[6] === undefined || +m[6] <= 59) &&
      (m[7] === undefined || (+m[7] <= 15 && +m[8]! <= 59))
    )
      return true;
  }
  return IsoInstant.safeParse(s).success;
}
/** `IsoInstant` for `receivedAt`: the same strings, message and schema (max 40, date-time). */
const ReceivedAt = z
  .string()
  .max(40)
  .refine(isIsoInstant, {
    message:
      'must be an ISO-8601 date-time with an offset (at most ±15:59, year 1900 or later), e.g. 2026-07-01T09:30:00+07:00',
  })
  .meta({ format: 'date-time', example: '2026-07-01T09:30:00+07:00' });

/** Request body of `POST /v1/cases` (grows with the lifecycles). */
export const CreateCaseBody = z
  .strictObject({
    type: z.enum(['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition']),
    // One list: every channel the built-in definitions take (processes/builtin/letter.ts CHANNELS).
    channel: z.enum(CHANNELS).meta({ description: 'How the case arrived (the `channel` values the definitions use)' }),
    receivedAt: ReceivedAt,
    agencyId: AgencyId,
    subject: z.string().trim().min(1).max(500),
    remoteArea: z.boolean().default(false),
    parties: z.array(PartyInput).max(50).default([]),
    respondent: z.string().trim().min(1).max(500).optional().meta({
      description:
        'The decision, act, agency or official complained about / denounced (a description; people go in `parties`)',
    }),
    respondentAgencyId: AgencyId.optional().meta({
      description:
        'The respondent as an agency of the directory (issue 15.4); the hotspot detector clusters on it, else on `respondent` normalised',
    }),
    place: Place.optional(),
    sector: SectorCode.optional(),
    contentSummary: z
      .string()
      .trim()
      .min(1)
      .max(4000)
      .optional()
      .meta({ description: 'Summary of the content (no personal data of a denouncer)' }),
    attachments: z.array(AttachmentInput).max(100).default([]),
    signersCount: z.number().int().min(1).max(100_000).optional().meta({
      description:
        'Number of people who signed (mass cases: 5 or more); representatives are the parties with isRepresentative',
    }),
    concernsCongressPersonnel: z
      .boolean()
      .optional()
      .meta({
        description:
          'The letter concerns congress personnel (ADR 0035): with a special period active for the agency on the ' +
          "receipt day, the case is recorded with it, routed to the period's designated agency and given its " +
          'internal target',
      }),
  })
  .meta({ id: 'CreateCase' });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

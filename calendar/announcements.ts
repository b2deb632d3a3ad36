/**
 * Seed data: Government announcements of days off and make-up working days for civil servants
 * (BLLĐ 2019 Art 112(3): the Prime Minister fixes the concrete Tết and National Day days each
 * year; the Government Office / Ministry of Home Affairs announces swaps, hoán đổi / làm bù).
 *
 * Every entry carries a confidence and, when not `confirmed`, a note saying what to verify.
 * Admins add or correct entries as new, effective-dated versions (same `id`, later
 * `effectiveFrom`), or with `supersedes`; nothing here is edited silently.
 *
 * Known gaps (buildCalendar reports them as snapshot notes):
 * - National Day 2026 (2/9 is a Wednesday): a 5-day break was proposed; final dates UNCONFIRMED
 *   (spec §1.5) → statutory default (2/9 + 1/9) applies until an entry is added.
 * - All of 2027: no announcement loaded → statutory defaults (Tết = 05/02–09/02/2027 with
 *   substitutes 10–11/02 for the weekend days) until entries are added.
 * - 24/11 "Ngày Văn hóa Việt Nam": enactment as a paid holiday UNCONFIRMED (spec §1.4) → not included.
 */
import { addDays, diffDays } from '../workflows/clock/days';
import type { IsoDate } from '../workflows/clock/types';
import type { CalendarEntry, Confidence } from './types';

/** Version label of this seed file; bump on every change. */
export const ANNOUNCEMENTS_VERSION = '2026-11-28.1';

/** Common fields of one announcement. */
export interface AnnouncementMeta {
  readonly group: string;
  readonly name: string;
  readonly source: string;
  readonly effectiveFrom: IsoDate;
  readonly confidence: Confidence;
  readonly note?: string;
  readonly supersedes?: readonly string[];
}

function one(meta: AnnouncementMeta, date: IsoDate, working: boolean, name = meta.name): CalendarEntry {
  return {
    id: `ann:${meta.group}:${date}`,
    date,
    working,
    kind: working ? 'makeup_working_day' : 'announced_day_off',
    name,
    source: meta.source,
    effectiveFrom: meta.effectiveFrom,
    confidence: meta.confidence,
    ...(meta.note === undefined ? {} : { note: meta.note }),
    ...(meta.supersedes === undefined ? {} : { supersedes: meta.supersedes }),
  };
}

/** Every day of `from`..`to` announced as a day off (weekends included, for a clear audit trail). */
export function offRange(meta: AnnouncementMeta, from: IsoDate, to: IsoDate): CalendarEntry[] {
  const n = diffDays(from, to);
  if (n < 0) throw new RangeError(`offRange ${from}..${to} is empty`);
  return Array.from({ length: n + 1 }, (_, i) => one(meta, addDays(from, i), false));
}

/** A make-up working day (làm bù), usually a Saturday, optionally with its own name. */
export function makeupDay(meta: AnnouncementMeta, date: IsoDate, name?: string): CalendarEntry {
  return one(meta, date, true, name);
}

const TET_2025: AnnouncementMeta = {
  group: '2025-tet',
  name: 'Tết Nguyên Đán 2025 – Ất Tỵ',
  source: 'Government announcement of 2025 holidays for civil servants (Nov 2024)',
  effectiveFrom: '2024-11-19',
  // Law audit (docs/law-audit.md): 2025 is in neither shared/domain/sources nor the spec, so this is
  // UNCONFIRMED ('uncertain'), like the other 2025 entries; it was labelled 'reported' with no source cited.
  confidence: 'uncertain',
  note:
    'UNCONFIRMED (not in the spec or its sources): off Sat 25/01–Sun 02/02/2025 (9 days) from general knowledge; document ' +
    'number not verified; effectiveFrom approximate. Check with the make-up day: if the 5 statutory days were 28/01–01/02, ' +
    'Sat 01/02 owes a substitute day (BLLĐ 2019 Art 111(3)); if they were 27/01–31/01, no swap with Sat 08/02 was needed',
  supersedes: ['statutory:2025:tet:*'],
};

const TET_2025_MAKEUP: AnnouncementMeta = {
  ...TET_2025,
  group: '2025-tet-makeup',
  name: 'Make-up working day for Mon 27/01/2025 (Tết 2025 swap)',
  confidence: 'uncertain',
  note: 'Recollection: Mon 27/01/2025 swapped with Sat 08/02/2025 (working). Verify the announcement',
  supersedes: [],
};

const REUNIFICATION_2025: AnnouncementMeta = {
  group: '2025-30-4',
  name: '30/4–1/5/2025 break, Fri 02/05 swapped with Sat 26/04',
  source: 'Government Office approval of the 2025 30/4–1/5 swap for civil servants (2025)',
  effectiveFrom: '2025-03-01',
  confidence: 'uncertain',
  note: 'General knowledge: off Wed 30/04–Sun 04/05/2025, Sat 26/04/2025 worked; document number and date not verified; effectiveFrom approximate',
};

const NATIONAL_DAY_2025: AnnouncementMeta = {
  group: '2025-2-9',
  name: 'Quốc khánh 2025 – 2/9 and Mon 1/9',
  source: 'Announcement of 2025 holidays (National Day: 1/9 and 2/9)',
  effectiveFrom: '2024-11-19',
  confidence: 'uncertain',
  note: 'General knowledge: off Sat 30/08–Tue 02/09/2025, adjacent day 1/9; document not verified; effectiveFrom approximate',
  supersedes: ['statutory:2025:national-day:*'],
};

const NEW_YEAR_2026: AnnouncementMeta = {
  group: '2026-new-year',
  name: 'Tết Dương lịch 2026 – Fri 02/01 swapped with Sat 10/01',
  source: 'VPCP 12729/VPCP-KGVX (25/12/2025)',
  effectiveFrom: '2025-12-25',
  confidence: 'reported',
  note: 'Spec §1.5 [S: baohiemxahoi.gov.vn, tracuuquyhoach]',
};

const TET_2026: AnnouncementMeta = {
  group: '2026-tet',
  name: 'Tết Nguyên Đán 2026',
  source: 'Government announcement of Tết 2026 for civil servants',
  effectiveFrom: '2025-12-01',
  confidence: 'reported',
  note: 'Spec §1.5 [S: congan.com.vn, baomoi]: off Sat 14/02–Sun 22/02/2026; document number not in the spec; effectiveFrom approximate',
  supersedes: ['statutory:2026:tet:*'],
};

/** Seed announcements 2025–2027 (see file header for the known gaps). */
export const ANNOUNCEMENTS: readonly CalendarEntry[] = Object.freeze([
  ...offRange(TET_2025, '2025-01-25', '2025-02-02'),
  makeupDay(TET_2025_MAKEUP, '2025-02-08'),
  one(REUNIFICATION_2025, '2025-05-02', false),
  makeupDay(REUNIFICATION_2025, '2025-04-26', 'Make-up working day for Fri 02/05/2025 (30/4–1/5 swap)'),
  ...[
    { ...one(NATIONAL_DAY_2025, '2025-09-01', false), kind: 'public_holiday' as const },
    { ...one(NATIONAL_DAY_2025, '2025-09-02', false), kind: 'public_holiday' as const },
  ],
  one(NEW_YEAR_2026, '2026-01-02', false),
  makeupDay(NEW_YEAR_2026, '2026-01-10', 'Make-up working day for Fri 02/01/2026 (New Year 2026 swap)'),
  ...offRange(TET_2026, '2026-02-14', '2026-02-22'),
]);

/**
 * Vietnamese public-agency calendar: statutory holidays, announcements and snapshot building.
 */
export type { CalendarEntry, Confidence } from './types';
export { lunarNewYear, lunarNewYearsEve, hungKingsDay, lunarToSolar } from './lunar';
export {
  nationalDayAdjacent,
  statutoryHolidays,
  substituteDays,
  type HolidayOptions,
  type NationalDayAdjacent,
} from './holidays';
export { ANNOUNCEMENTS, ANNOUNCEMENTS_VERSION, offRange, makeupDay, type AnnouncementMeta } from './announcements';
export { buildCalendar, listDays, type BuildCalendarInput, type CalendarDay } from './build';
export { contentHash } from './hash';

/**
 * The public iCalendar feed of leaders' reception schedules (RFC 5545; issue 14.1, ADR 0029): the law's
 * public posting of the reception schedule (niêm yết công khai lịch tiếp công dân, Luật Tiếp công dân 2013
 * Art 18(2) and NĐ 154/2026). One VEVENT per entry: UID `<entry id>@kntc-flow` (stable), SEQUENCE = the
 * entry's sequence (bumped on each change), STATUS:CANCELLED for a cancelled entry, times in
 * Asia/Ho_Chi_Minh (a VTIMEZONE of fixed +07:00 is included). Only the leader's name and title, the
 * agency, the place and the public note are shown.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

export const VN_TZID = 'Asia/Ho_Chi_Minh';
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${VN_TZID}`,
  'BEGIN:STANDARD',
  'DTSTART:19750613T000000',
  'TZOFFSETFROM:+0700',
  'TZOFFSETTO:+0700',
  'TZNAME:+07',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

export interface FeedEntry {
  id: string;
  agencyName: string;
  leaderName: string;
  leaderTitle: string;
  placeName: string;
  placeAddress: string | null;
  date: string;
  startTime: string;
  endTime: string;
  kind: 'periodic' | 'ad_hoc' | 'online';
  status: 'scheduled' | 'cancelled';
  sequence: number;
  note: string | null;
  updatedAt: string;
}

const KIND_VI = { periodic: 'định kỳ', ad_hoc: 'đột xuất', online: 'trực tuyến' } as const;

/** A wall-clock time of Vietnam as a Date whose UTC fields are that wall clock (what ical-generator prints). */
const wall = (date: string, time: string) => new Date(`${date}T${time}:00Z`);

export function receptionFeed(name: string, entries: readonly FeedEntry[]): string {
  const cal = ical({
    name,
    prodId: { company: 'kntc-flow', product: 'reception-schedule', language: 'VI' },
    method: ICalCalendarMethod.PUBLISH,
  });
  cal.timezone({ name: VN_TZID, generator: () => VTIMEZONE });
  for (const e of entries) {
    cal.createEvent({
      id: `${e.id}@kntc-flow`,
      sequence: e.sequence,
      start: wall(e.date, e.startTime),
      end: wall(e.date, e.endTime),
      timezone: VN_TZID,
      stamp: new Date(e.updatedAt),
      summary: `Tiếp công dân ${KIND_VI[e.kind]}: ${e.leaderTitle} ${e.leaderName}`,
      description: [e.agencyName, e.note].filter(Boolean).join('\n'),
      location: e.placeAddress ? `${e.placeName}, ${e.placeAddress}` : e.placeName,
      status: e.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  // RFC 5545 §3.8.7.2: DTSTAMP is in UTC; ical-generator prints it in the calendar's zone without `Z`
  // while giving it UTC fields: mark it as UTC.
  return cal.toString().replace(/^(DTSTAMP|LAST-MODIFIED):(\d{8}T\d{6})\r$/gm, '$1:$2Z\r');
}

/**
 * Citations used by the clock, in one place so every derivation quotes the same wording.
 * Paraphrases of the articles are in /shared/domain/lifecycle-spec.md §1.
 */
export const LEGAL = {
  /** BLDS 2015 Art 147(2)-(3): the day of the event is not counted; counting starts the next day. */
  countingStarts: 'BLDS 2015 Art 147(2)',
  /** BLDS 2015 Art 148(1): a limit in days ends at 24:00 of its last day. */
  endOfLastDay: 'BLDS 2015 Art 148(1)',
  /** BLDS 2015 Art 148(3): a limit in months ends on the corresponding day of the last month, else its last day. */
  monthLimit: 'BLDS 2015 Art 148(3)',
  /** BLDS 2015 Art 148(4): a limit in years ends on the corresponding day and month of the last year. */
  yearLimit: 'BLDS 2015 Art 148(4)',
  /** BLDS 2015 Art 148(5): last day on a rest day or holiday → end of the next working day. */
  rollForward: 'BLDS 2015 Art 148(5)',
  /** QĐ 188/1999/QĐ-TTg Art 1: public bodies work Monday–Friday; Saturday and Sunday are off. */
  weeklyRest: 'QĐ 188/1999/QĐ-TTg Art 1',
  /** BLLĐ 2019 Art 112(1): public holidays. */
  publicHolidays: 'BLLĐ 2019 Art 112(1)',
  /** BLLĐ 2019 Art 111(3): holiday on the weekly rest day → substitute day off on the next working day. */
  substituteDayOff: 'BLLĐ 2019 Art 111(3)',
  /** Luật Tố cáo 2018 Art 34(2): suspended time is not counted in the resolution time. */
  denunciationSuspension: 'Luật Tố cáo 2018 Art 34(2)',
  /** Luật Khiếu nại Art 11a (added by Luật 136/2025/QH15, from 01/07/2026): suspended time not counted. */
  complaintSuspension: 'Luật Khiếu nại 2011 Art 11a (Luật 136/2025/QH15, from 01/07/2026)',
  /** Luật Tố cáo 2018 Art 30(2): complex case, one extension of at most 30 days. */
  denunciationExtensionComplex: 'Luật Tố cáo 2018 Art 30(2)',
  /** Luật Tố cáo 2018 Art 30(3): especially complex case, two extensions of at most 30 days each. */
  denunciationExtensionEspeciallyComplex: 'Luật Tố cáo 2018 Art 30(3)',
  /** Luật Tố cáo 2018 Art 30(1): resolution within 30 days of acceptance. */
  denunciationResolution: 'Luật Tố cáo 2018 Art 30(1)',
} as const;

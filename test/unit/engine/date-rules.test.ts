/** Declared date rules of form fields and the date checks of legal events (ADR 0017). */
import { describe, expect, it } from 'vitest';
import { checkDateConstraints, formSchemaSchema, type FormSchema } from '../../../workflows/engine/index.js';
import { legalEventDateProblem } from '../../../workflows/engine/runtime/clocks.js';
import { calendarReachProblem, widerRange } from '../../../workflows/engine/runtime/index.js';

const form: FormSchema = {
  fields: [
    { name: 'acceptedOn', type: 'date', required: false, notBefore: ['received'], notAfter: ['today'] },
    { name: 'noticeOn', type: 'date', required: true, notBefore: ['received', 'acceptedOn'], notAfter: ['today'] },
    { name: 'meetingOn', type: 'date', required: false, notBefore: ['decisionIssuedOn'] },
  ],
};
const ctx = {
  today: '2026-12-02',
  known: (n: string) => (({ received: '2026-11-20', decisionIssuedOn: '2026-11-25' }) as Record<string, string>)[n],
};

describe('date rules of form fields', () => {
  it('are refused on fields that are not dates, on themselves and on non-date fields of the form', () => {
    const bad = formSchemaSchema.safeParse({
      fields: [
        { name: 'n', type: 'number', notBefore: ['received'] },
        { name: 'd', type: 'date', notAfter: ['d'] },
        { name: 'e', type: 'date', notBefore: ['n'] },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        "only date fields take notBefore ('n' is number)",
        "date field 'd' cannot refer to itself",
        "'e' notBefore 'n', which is not a date field of this form",
      ]),
    );
    expect(formSchemaSchema.safeParse(form).success).toBe(true);
  });

  it('name the field, the rule and the day it refers to; a reference without a date is skipped', () => {
    expect(checkDateConstraints(form, { noticeOn: '2026-11-21' }, ctx)).toEqual([]);
    expect(checkDateConstraints(form, { acceptedOn: '2026-01-05', noticeOn: '2026-01-05' }, ctx)).toEqual([
      {
        field: 'acceptedOn',
        message:
          'acceptedOn: 2026-01-05 is before received (2026-11-20); the rule notBefore received allows no earlier day',
      },
      {
        field: 'noticeOn',
        message:
          'noticeOn: 2026-01-05 is before received (2026-11-20); the rule notBefore received allows no earlier day',
      },
    ]);
    expect(
      checkDateConstraints(form, { acceptedOn: '2026-11-24', noticeOn: '2026-11-23' }, ctx).map((e) => e.message),
    ).toEqual([
      'noticeOn: 2026-11-23 is before acceptedOn (2026-11-24); the rule notBefore acceptedOn allows no earlier day',
    ]);
    expect(checkDateConstraints(form, { noticeOn: '2026-12-03' }, ctx).map((e) => e.message)).toEqual([
      'noticeOn: 2026-12-03 is in the future (today is 2026-12-02 in Vietnam); it records an act already done (rule notAfter today)',
    ]);
    // A planned day may lie ahead; not before the decision it follows.
    expect(checkDateConstraints(form, { noticeOn: '2026-12-01', meetingOn: '2027-01-10' }, ctx)).toEqual([]);
    expect(
      checkDateConstraints(form, { noticeOn: '2026-12-01', meetingOn: '2026-11-24' }, ctx).map((e) => e.field),
    ).toEqual(['meetingOn']);
  });
});

describe('dates of legal events', () => {
  const events = { received: '2026-11-20' };
  it('not before receipt, not in the future; the detail names the field and the rule', () => {
    expect(legalEventDateProblem(events, { name: 'suspend', date: '2026-11-20' }, '2026-12-02')).toBeNull();
    expect(legalEventDateProblem(events, { name: 'suspend' }, '2026-12-02')).toBeNull();
    expect(legalEventDateProblem(events, { name: 'extend', date: '2026-11-19' }, '2026-12-02')).toMatch(
      /^date: 2026-11-19 is before the case was received \(2026-11-20\).*rule notBefore received/,
    );
    expect(legalEventDateProblem(events, { name: 'withdraw', date: '2046-11-19' }, '2026-12-02')).toMatch(
      /^date: 2046-11-19 is in the future .*rule notAfter today/,
    );
  });
});

describe('the calendar a case holds', () => {
  const held = { from: '2026-10-20', to: '2029-10-24' };
  it('grows to the union of what it holds and what a date needs; nothing when covered', () => {
    expect(widerRange(held, ['2026-12-01'])).toBeUndefined();
    expect(widerRange(held, ['2028-10-01'])).toBeUndefined();
    expect(widerRange(held, ['2026-01-05'])).toEqual({ from: '2025-12-05', to: '2029-10-24' });
    expect(widerRange(held, ['2029-01-01'])).toEqual({ from: '2026-10-20', to: '2031-12-06' });
    expect(widerRange(held, ['2031-01-01', 'not a date'])!.to > '2033-01-01').toBe(true);
  });
  it("refuses a date no snapshot could hold with the case's other dates (20 years)", () => {
    expect(calendarReachProblem('caseEvents.accepted', '2040-01-01', ['2026-11-20'])).toBeNull();
    expect(calendarReachProblem('caseEvents.accepted', '2050-01-01', ['2026-11-20'])).toMatch(
      /caseEvents.accepted: 2050-01-01 is too far .*rule calendarReach/,
    );
  });
});

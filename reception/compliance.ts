/**
 * Compliance with the heads' legal minimum of reception days (issue 14.4, ADR 0029): the aggregate of
 * db/reception-compliance.ts judged by the rules in force (reception/minimum-rules.ts). Used by
 * `GET /v1/reception/compliance` and by the compliance check the Temporal Schedule runs.
 */
import { agencyActivity, type AgencyActivity } from '../db/reception-compliance.js';
import type { Db } from '../db/knex.js';
import { addDays } from '../workflows/clock/days.js';
import {
  DEFAULT_COMPLIANCE_OPTIONS,
  monthBounds,
  obligationsFor,
  ruleFor,
  type ComplianceOptions,
  type RulePeriod,
} from './minimum-rules.js';

export interface ObligationResult {
  ruleId: string;
  citation: string;
  period: RulePeriod;
  first: string;
  last: string;
  required: number;
  held: number;
  delegated: number;
  kept: boolean;
}

export interface AgencyCompliance extends Omit<AgencyActivity, 'heldDays' | 'delegatedDays'> {
  /** Distinct days in the month the head received in a way that counts, and by delegate. */
  leaderDaysHeld: number;
  leaderDaysDelegated: number;
  obligations: ObligationResult[];
  /** Every obligation kept (true when none applies). */
  kept: boolean;
}

const within = (ds: readonly string[], first: string, last: string) => ds.filter((d) => d >= first && d <= last).length;

/** The month's compliance of `agencies` (ids; closed ones are left out). */
export async function monthlyCompliance(
  db: Db,
  agencies: readonly string[],
  month: string,
  options: ComplianceOptions = DEFAULT_COMPLIANCE_OPTIONS,
): Promise<AgencyCompliance[]> {
  const { first, last } = monthBounds(month);
  // A weekly rule's week starting in the month may end up to 6 days after it.
  const rows = await agencyActivity(db, {
    agencies,
    first,
    last,
    daysFirst: first,
    daysLast: addDays(last, 6),
    options,
  });
  return rows.map((a) => {
    const obligations = obligationsFor(a.level, month).map((o) => {
      const held = within(a.heldDays, o.first, o.last);
      return {
        ruleId: o.rule.id,
        citation: o.rule.citation,
        period: o.period,
        first: o.first,
        last: o.last,
        required: o.rule.days,
        held,
        delegated: within(a.delegatedDays, o.first, o.last),
        kept: held >= o.rule.days,
      };
    });
    const { heldDays, delegatedDays, ...rest } = a;
    return {
      ...rest,
      leaderDaysHeld: within(heldDays, first, last),
      leaderDaysDelegated: within(delegatedDays, first, last),
      obligations,
      kept: obligations.every((o) => o.kept),
    };
  });
}

/** A head who fell short of one obligation. */
export interface Shortfall extends ObligationResult {
  agencyId: string;
  agencyName: string;
  parentId: string | null;
  headPersonId: string | null;
}

/**
 * The shortfalls of one period: a month (the monthly rules in force on its first day) or an ISO week
 * starting on `first` (the weekly rules in force on that Monday).
 */
export async function shortfalls(
  db: Db,
  agencies: readonly string[],
  p: { period: 'month'; month: string } | { period: 'week'; first: string },
  options: ComplianceOptions = DEFAULT_COMPLIANCE_OPTIONS,
): Promise<Shortfall[]> {
  const { first, last } = p.period === 'month' ? monthBounds(p.month) : { first: p.first, last: addDays(p.first, 6) };
  const rows = await agencyActivity(db, { agencies, first, last, daysFirst: first, daysLast: last, options });
  const out: Shortfall[] = [];
  for (const a of rows) {
    const rule = ruleFor(a.level, first, p.period);
    if (!rule) continue;
    const held = a.heldDays.length;
    if (held >= rule.days) continue;
    out.push({
      agencyId: a.agencyId,
      agencyName: a.agencyName,
      parentId: a.parentId,
      headPersonId: a.headPersonId,
      ruleId: rule.id,
      citation: rule.citation,
      period: p.period,
      first,
      last,
      required: rule.days,
      held,
      delegated: a.delegatedDays.length,
      kept: false,
    });
  }
  return out;
}

/**
 * Transition rules of the 2026 reform as data and a pure decision function.
 *
 * NĐ 155/2026 Art 22(1) [S]: "Việc rút khiếu nại, tạm đình chỉ, đình chỉ giải quyết khiếu nại, đối
 * thoại đối với vụ việc khiếu nại đã có thông báo thụ lý trước ngày Nghị định này có hiệu lực thi hành
 * và chưa ban hành quyết định giải quyết khiếu nại được thực hiện theo quy định tại Nghị định này" —
 * complaints accepted before 01/07/2026 with no decision issued by then follow the new rules on
 * withdrawal, suspension, termination and dialogue. Everything else
 * follows the law of the version the case was pinned to (selected by receipt date).
 * The built-in v1 complaint definitions apply this in their gateways (`eventOn >= 2026-07-01`);
 * the interpreter should consult {@link rulesForEvent} before applying a legal event to a clock
 * (e.g. stopping a v1 clock on `suspend`).
 */
import { ART, REFORM_2026, type LawPeriod } from './law.js';

/** Lifecycles with built-in definitions. */
export type Lifecycle = 'complaint' | 'denunciation' | 'letter' | 'petition';

/** Subjects of rules an event can touch. */
export const RULE_TOPICS = [
  'acceptance',
  'resolution_period',
  'verification',
  'dialogue',
  'decision',
  'sending',
  'disclosure',
  'legal_effect',
  'withdrawal',
  'partial_withdrawal',
  'suspension',
  'termination',
  'extension',
] as const;
export type RuleTopic = (typeof RULE_TOPICS)[number];

/** Topics for which open cases switch to the new rules on 01/07/2026, per lifecycle. */
export const TRANSITIONAL_TOPICS: Readonly<Record<Lifecycle, readonly RuleTopic[]>> = {
  // NĐ 155/2026 Art 22(1) [S].
  complaint: ['withdrawal', 'partial_withdrawal', 'suspension', 'termination', 'dialogue'],
  // NĐ 156/2026 transition clause not read (UNCONFIRMED): no switch assumed.
  denunciation: [],
  letter: [],
  petition: [],
};

/** Rules that exist only from 01/07/2026 (there is no old rule to apply before). */
export const NEW_IN_2026: Readonly<Record<Lifecycle, readonly RuleTopic[]>> = {
  // KN Art 11a (suspension) and partial withdrawal (KN Art 2(3), 10 amended) by Luật 136/2025 [S].
  complaint: ['suspension', 'partial_withdrawal'],
  denunciation: [],
  letter: [],
  petition: [],
};

/** The law period of a case pinned by its receipt date (YYYY-MM-DD). */
export function periodOfReceipt(receivedOn: string): LawPeriod {
  assertDate(receivedOn, 'receivedOn');
  return receivedOn < REFORM_2026 ? 'pre2026' : 'from2026';
}

/** Which rules govern an event. */
export interface RuleDecision {
  /** Period whose rules apply to this event. */
  period: LawPeriod;
  /** False when the rule does not exist in that period (e.g. complaint suspension before 01/07/2026). */
  available: boolean;
  /** Why, with the article. */
  basis: string;
}

/**
 * Decides which period's rules apply to an event of `topic` on date `eventOn` in a case of
 * `lifecycle` received on `receivedOn`:
 * - a case received from 01/07/2026 always uses the new rules;
 * - an older case uses its own (old) rules, except for the transitional topics of its lifecycle
 *   when the event happens on or after 01/07/2026 and no decision was issued before that day
 *   (NĐ 155/2026 Art 22(1));
 * - a rule new in 2026 is unavailable to events governed by the old rules.
 * @throws RangeError when a date is not YYYY-MM-DD or the event precedes the receipt.
 */
export function rulesForEvent(
  lifecycle: Lifecycle,
  receivedOn: string,
  eventOn: string,
  topic: RuleTopic,
  facts: { decisionIssuedOn?: string } = {},
): RuleDecision {
  assertDate(eventOn, 'eventOn');
  if (facts.decisionIssuedOn !== undefined) assertDate(facts.decisionIssuedOn, 'decisionIssuedOn');
  // Art 22(1) covers only cases with no decision issued before 01/07/2026.
  const decidedBeforeReform = facts.decisionIssuedOn !== undefined && facts.decisionIssuedOn < REFORM_2026;
  const own = periodOfReceipt(receivedOn);
  if (eventOn < receivedOn) throw new RangeError(`eventOn ${eventOn} precedes receivedOn ${receivedOn}`);
  let period: LawPeriod = own;
  let basis =
    own === 'from2026'
      ? 'case received from 01/07/2026: the amended law applies'
      : 'case received before 01/07/2026: the law at receipt applies';
  if (
    own === 'pre2026' &&
    !decidedBeforeReform &&
    TRANSITIONAL_TOPICS[lifecycle].includes(topic) &&
    eventOn >= REFORM_2026
  ) {
    period = 'from2026';
    basis = `open case, ${topic} on or after 01/07/2026: new rules (${ART.knTransition})`;
  }
  const available = !(period === 'pre2026' && NEW_IN_2026[lifecycle].includes(topic));
  if (!available) basis = `${basis}; ${topic} is provided for only from 01/07/2026`;
  return { period, available, basis };
}

function assertDate(s: string, name: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new RangeError(`${name} must be YYYY-MM-DD, got '${s}'`);
}

/**
 * From which day a rule of `topic` is available to events of a case pinned to `period`:
 * `undefined` = every day, a date = from that day (the transition of NĐ 155/2026 Art 22(1) makes
 * a 2026-only rule apply to open cases from 01/07/2026), `null` = never. Derived from
 * {@link rulesForEvent}, so a clock's `suspendableFrom` follows the same transition table.
 */
export function topicAvailableFrom(
  lifecycle: Lifecycle,
  period: LawPeriod,
  topic: RuleTopic,
): string | null | undefined {
  const received = period === 'pre2026' ? '2026-06-30' : REFORM_2026;
  if (rulesForEvent(lifecycle, received, received, topic).available) return undefined;
  if (rulesForEvent(lifecycle, received, REFORM_2026, topic).available) return REFORM_2026;
  return null;
}

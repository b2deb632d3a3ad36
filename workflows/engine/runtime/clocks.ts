/**
 * Timers of the interpreter: ISO durations and statutory clocks (workflows/clock) turned into
 * due instants. Pure: the calendar snapshot is data fetched by an activity.
 */
import { Duration } from 'luxon';
import {
  ClockError,
  createClock,
  evaluateClock,
  extendClock,
  isIsoDate,
  suspendClock,
  type CalendarSnapshot,
  type Clock,
  type ExtensionPolicy,
} from '../../clock/index.js';
import { msOf, vnDate } from '../../clock/vn-time.js';
import { isClockRule, isMonthUnit, type ClockRule, type TimerSpec } from '../clock-rule.js';
import type { DefinitionNode } from '../definition.js';
import type { JsonValue } from '../primitives.js';
import type { CaseLaw, LegalEventRefusal } from './case-law.js';
import { RuntimeIncident, type BreachRecord, type ClockState, type RunState, type TimerRecord } from './types.js';

/** ISO instant (UTC) of epoch ms. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Whether a legal event addressed to `ruleId` (undefined: every clock) is decided by clock `c`. A
 * clock that follows another (ClockRule.follows) never is, nor is it addressed by its own id: it
 * takes whatever its followed clock takes (see {@link followerClock}), so a suspension or extension
 * can neither pass nor change it alone.
 */
export function addressedTo(c: Pick<Clock, 'ruleId' | 'follows'>, ruleId: string | undefined): boolean {
  return c.follows === undefined && (ruleId === undefined || c.ruleId === ruleId);
}

/**
 * Limits that ran out on a user task still waiting (its token is there) and not armed again: a
 * legal event dated within such a limit but recorded after it ran out still applies to it.
 */
export function liveBreaches(state: CheckedState, ruleId?: string): BreachRecord[] {
  return (state.breaches ?? []).filter(
    (b) =>
      b.status === 'breached' &&
      (state.tokens ?? []).some((t) => t.id === b.tokenId) &&
      addressedTo(b.clock.clock, ruleId) &&
      !state.timers.some((t) => t.tokenId === b.tokenId && t.purpose === 'due' && t.clock?.clock.ruleId === b.ruleId),
  );
}

/** Same start and budget: two clocks that count the same limit (a follower and its followed clock). */
export function sameLimit(a: Clock, b: Clock): boolean {
  return (
    a.startEvent.name === b.startEvent.name &&
    a.startEvent.date === b.startEvent.date &&
    a.budget.amount === b.budget.amount &&
    a.budget.unit === b.budget.unit
  );
}

/**
 * The clock `follower` becomes when the clock it follows became `followed`: the same suspensions
 * and extensions when both count the same limit (K17_K3 and K3), else the follower unchanged.
 */
export function followerClock(follower: Clock, followed: Clock): Clock {
  return sameLimit(follower, followed)
    ? { ...follower, suspensions: followed.suspensions, extensions: followed.extensions }
    : follower;
}

/** Builds the clock of a rule whose count starts at the case event `rule.from` (or `fallbackDate`). */
export function clockOf(rule: ClockRule, caseEvents: Record<string, string>, fallbackDate: string): Clock {
  // Rungs of a month/year clock count calendar days before its due day.
  const rungUnit = isMonthUnit(rule.unit) ? 'calendar_days' : rule.unit;
  return createClock({
    ruleId: rule.ruleId,
    legalBasis: rule.legalBasis,
    budget: { amount: rule.amount, unit: rule.unit },
    startEvent: { name: rule.from, date: caseEvents[rule.from] ?? fallbackDate },
    ...(rule.suspensionBasis === undefined ? {} : { suspensionBasis: rule.suspensionBasis }),
    ...(rule.suspendableFrom === undefined ? {} : { suspendableFrom: rule.suspendableFrom }),
    ...(rule.follows === undefined ? {} : { follows: rule.follows }),
    ...(rule.extension === undefined || isMonthUnit(rule.unit)
      ? {}
      : {
          extensionPolicy: {
            maxExtensions: rule.extension.maxExtensions,
            maxAmountEach: rule.extension.maxAmountEach,
            unit: rule.unit,
            legalBasis: rule.extension.legalBasis,
          },
        }),
    rungs: (rule.rungs ?? []).map((r) => ({ name: r.name, daysBefore: r.daysBefore, unit: rungUnit })),
  });
}

/** Evaluates a clock against the calendar at `nowMs`. */
export function evaluate(clock: Clock, calendar: CalendarSnapshot | undefined, nowMs: number): ClockState {
  if (!calendar) throw new RuntimeIncident('NO_CALENDAR', `clock ${clock.ruleId} needs a calendar snapshot`);
  const e = evaluateClock(clock, calendar, nowMs);
  return {
    clock,
    status: e.status,
    due: e.due,
    dueAt: e.dueAt,
    rungs: e.rungs.map((r) => ({ name: r.name, date: r.date, at: r.at })),
    derivation: [...e.derivation],
    calendarVersion: e.calendarVersion,
  };
}

/** Due instant (ms) and clock (if statutory) of a timer spec armed at `nowMs`. */
export function armTimer(
  spec: TimerSpec,
  caseEvents: Record<string, string>,
  calendar: CalendarSnapshot | undefined,
  nowMs: number,
): { dueAtMs: number | null; clock?: ClockState } {
  if (!isClockRule(spec)) return { dueAtMs: nowMs + Duration.fromISO(spec.duration).toMillis() };
  const clock = evaluate(clockOf(spec, caseEvents, vnDate(nowMs)), calendar, nowMs);
  return { dueAtMs: clock.dueAt === null ? null : msOf(clock.dueAt), clock };
}

// ---- case events recorded by a service task ------------------------------------------------------

/** The activity that records a named case event (ADR 0007): its result `{ event, on }` dates the event. */
export const RECORD_CASE_EVENT_ACTIVITY = 'recordCaseEvent';

const EVENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The case event a service task's result records, when the task is a `recordCaseEvent` and the
 * result names the event and its day (`{ event, on: 'YYYY-MM-DD' }`, as the activity stored it):
 * clocks counting `from` that event start on that day, whoever completed the task before it and
 * whatever case events the completion carried.
 */
export function recordedCaseEvent(activity: string, result: unknown): Record<string, string> {
  if (activity !== RECORD_CASE_EVENT_ACTIVITY || result === null || typeof result !== 'object') return {};
  const { event, on } = result as { event?: unknown; on?: unknown };
  if (typeof event !== 'string' || !EVENT_NAME.test(event) || typeof on !== 'string' || !isIsoDate(on)) return {};
  return { [event]: on };
}

// ---- legal events refused up front ---------------------------------------------------------------

/** The parts of the run state the legal-event checks read. */
export type CheckedState = Pick<RunState, 'timers' | 'variables' | 'calendar'> &
  Partial<Pick<RunState, 'tokens' | 'breaches'>>;

/** Payload of a legal clock event as the `sendMessage` update carries it. */
export interface LegalEventRequest {
  name: string;
  date?: string;
  amount?: number;
  ruleId?: string;
  variables?: Record<string, JsonValue>;
}

/**
 * The legal events that change statutory clocks (the runner's planLegalEvent / applyLegalEvent):
 * a suspension, a resumption, an extension.
 */
export const CLOCK_EVENTS = ['suspend', 'resume', 'extend'] as const;
export type ClockEvent = (typeof CLOCK_EVENTS)[number];

/** Whether legal event `name` changes statutory clocks. */
export function isClockEvent(name: string): name is ClockEvent {
  return (CLOCK_EVENTS as readonly string[]).includes(name);
}

/** The statutory clock rule behind a timer (a user task's due rule or a timer event's clock). */
function ruleOfTimer(
  t: Pick<TimerRecord, 'nodeId'>,
  nodeOf: (id: string) => DefinitionNode | undefined,
): ClockRule | undefined {
  const node = nodeOf(t.nodeId);
  if (!node) return undefined;
  const spec =
    node.type === 'userTask'
      ? node.due
      : (node.type === 'boundaryEvent' || node.type === 'intermediateCatchEvent') && node.trigger.kind === 'timer'
        ? node.trigger.timer
        : undefined;
  return spec && isClockRule(spec) ? spec : undefined;
}

/**
 * The extension limits of a clock for the case as it stands: the rule's levels over a case variable
 * (`byLevel`, stated in the definition: e.g. the denunciation's T5 by `complexity`, Luật Tố cáo 2018
 * Art 30(1)-(3)) narrow the rule's legal maximum; a value with no level allows none. A statutory
 * preset (definitions pinned before ADR 0018) is read by the lifecycle's law
 * ({@link CaseLaw.extensionPreset}: processes/case-law.ts). The message's own variables (e.g. the
 * complexity stated in the extension request) take precedence over the case's.
 */
export function effectiveExtensionPolicy(
  clock: Clock,
  rule: ClockRule | undefined,
  variables: Record<string, JsonValue>,
  law: CaseLaw,
): ExtensionPolicy | undefined {
  const ext = rule?.extension;
  if (!clock.extensionPolicy || !ext) return clock.extensionPolicy;
  if (ext.byLevel) {
    const value = variables[ext.byLevel.variable];
    const level = ext.byLevel.levels.find((l) => l.value === value);
    const shown = `${ext.byLevel.variable}: ${typeof value === 'string' ? value : JSON.stringify(value ?? null)}`;
    return level
      ? {
          maxExtensions: level.maxExtensions,
          maxAmountEach: level.maxAmountEach,
          unit: clock.extensionPolicy.unit,
          legalBasis: `${level.legalBasis} (${shown})`,
        }
      : {
          maxExtensions: 0,
          maxAmountEach: 0,
          unit: clock.extensionPolicy.unit,
          legalBasis: `${ext.byLevel.otherwise} (${shown})`,
        };
  }
  if (!ext.preset || !ext.presetVariable) return clock.extensionPolicy;
  return (
    law.extensionPreset?.(ext.preset, variables[ext.presetVariable], clock.extensionPolicy) ?? clock.extensionPolicy
  );
}

export type { LegalEventRefusal };

/** `EXTENSION_TOO_LONG` → `ExtensionTooLong` (the reason codes the API answers with). */
const reasonOf = (code: string): string =>
  code
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * A statutory clock a legal event may address: a running timer's (not a follower: it takes what
 * its followed clock takes), or a limit that ran out on a task still waiting ({@link liveBreaches}).
 */
interface ClockEntry {
  clock: Clock;
  status: string;
  nodeId: string;
  breach?: BreachRecord;
}

function clockEntries(state: CheckedState, ruleId: string | undefined): ClockEntry[] {
  const running: ClockEntry[] = state.timers
    .filter((t) => t.clock && addressedTo(t.clock.clock, ruleId))
    .map((t) => ({ clock: t.clock!.clock, status: t.clock!.status, nodeId: t.nodeId }));
  const breached: ClockEntry[] = liveBreaches(state, ruleId).map((b) => ({
    clock: b.clock.clock,
    status: 'breached',
    nodeId: b.nodeId,
    breach: b,
  }));
  return [...running, ...breached];
}

/**
 * Why the law refuses a legal clock event before it enters the history, or null. It refuses
 * only what the law refuses, when every clock the event concerns refuses it:
 * - `extend`: the extension is outside the clock's limits, narrowed by its preset (e.g. a second
 *   extension of a merely complex denunciation, Luật Tố cáo 2018 Art 30(2));
 * - `suspend`: the suspension is dated before the day the suspension rule applies to the case
 *   (`suspendableFrom`, e.g. a complaint received before 01/07/2026: no suspension in the old law,
 *   Luật Khiếu nại Art 11a applies from 01/07/2026 by NĐ 155/2026 Art 22(1)).
 * Events that concern no clock, and other ledger problems, are left to the existing checks.
 * The reason quotes the article.
 */
function lawRefusal(
  state: CheckedState,
  nodeOf: (id: string) => DefinitionNode | undefined,
  req: LegalEventRequest,
  today: string,
  law: CaseLaw,
): LegalEventRefusal | null {
  if (req.name !== 'extend' && req.name !== 'suspend') return null;
  const date = req.date ?? today;
  const variables = { ...state.variables, ...(req.variables ?? {}) };
  const refusals: LegalEventRefusal[] = [];
  let concerned = 0;
  for (const e of clockEntries(state, req.ruleId)) {
    const c = e.clock;
    if (req.name === 'suspend') {
      if (c.suspensionBasis === undefined || e.status === 'suspended') continue;
      concerned += 1;
      if (e.breach && date > e.breach.due) {
        // The limit ran out before the suspension was decided: there is no running limit to stop.
        refusals.push({
          reason: 'SuspensionAfterDue',
          detail: `Refused: the time limit ${c.ruleId} already ended on ${e.breach.due}; a suspension decided after it (${date}) cannot stop it (${c.suspensionBasis})`,
        });
        continue;
      }
      try {
        suspendClock(c, { from: date, decision: 'check' });
      } catch (err) {
        if (err instanceof ClockError && err.code === 'SUSPENSION_NOT_ALLOWED') {
          refusals.push({ reason: reasonOf(err.code), detail: err.message });
          continue;
        }
      }
      return null;
    }
    if (!c.extensionPolicy || !state.calendar) continue;
    concerned += 1;
    const policy = effectiveExtensionPolicy(c, ruleOfTimer(e, nodeOf), variables, law);
    const probe: Clock =
      policy === undefined ? (({ extensionPolicy: _drop, ...rest }) => rest)(c) : { ...c, extensionPolicy: policy };
    let r: ReturnType<typeof extendClock>;
    try {
      r = extendClock(
        probe,
        { amount: req.amount ?? 0, unit: c.budget.unit, decisionRef: 'check', date },
        state.calendar,
      );
    } catch {
      return null; // calendar coverage etc.: not a legal refusal, the event goes its usual way
    }
    if (r.ok) return null;
    refusals.push({
      reason: reasonOf(r.refusal.code),
      detail: r.refusal.message.includes(r.refusal.legalBasis)
        ? r.refusal.message
        : `${r.refusal.message} (${r.refusal.legalBasis})`,
    });
  }
  return concerned > 0 && refusals.length === concerned ? refusals[0]! : null;
}

/**
 * Every check of a legal event against the case's state, run by the `sendMessage` Update
 * validator so that a refused event never enters the history, and atomically: the validator of a
 * second, concurrent event runs after the first one's handler changed the state (ADR 0008).
 * Null when the event may proceed (the definition's own catchers then decide whether it is
 * expected). Reasons are stable codes the API answers with (409 `rejected-by-case`):
 * - `AlreadySuspended`: one suspension decision at a time; the clocks restart only by a
 *   continuation decision (Luật Tố cáo 2018 Art 31(1)-(2); Luật Khiếu nại (sửa đổi 2025) Art 11a);
 * - `NotSuspended`: a resumption of a case none of whose clocks is suspended (Luật Tố cáo 2018 Art 31(2));
 * - `NoClock` / `ExtensionNotAllowed`: an extension of a clock the case does not run, or of clocks
 *   the law allows no extension of (Luật Khiếu nại 2011 Art 28, 37; Luật Tố cáo 2018 Art 30);
 * - the refusals of the clocks' limits (`ExtensionTooLong`, `ExtensionLimitReached`,
 *   `ExtensionAfterDue`, `SuspensionNotAllowed`, ...);
 * - the lifecycle law's own refusals ({@link CaseLaw.messageRefusal}, e.g. `AlreadyComplex`: marking
 *   the case complex twice at the same level, processes/case-law.ts).
 * A case without any statutory clock (a custom definition) is left to its own steps for
 * suspend / resume / extend. A closed case is refused before this (`CaseClosed`).
 */
export function legalEventCheck(
  state: CheckedState,
  nodeOf: (id: string) => DefinitionNode | undefined,
  req: LegalEventRequest,
  today: string,
  law: CaseLaw,
): LegalEventRefusal | null {
  const own = law.messageRefusal?.(req.name, state.variables, req.variables ?? {}) ?? null;
  if (own !== null || !isClockEvent(req.name)) return own;
  // Followers take what the clocks they follow take; limits that ran out on a waiting task count too.
  const all = clockEntries(state, undefined);
  if (all.length === 0) return null;
  const clocks = all.filter((e) => addressedTo(e.clock, req.ruleId));
  const suspended = clocks.filter((e) => e.status === 'suspended');
  if (req.name === 'suspend' && suspended.length > 0) {
    const rules = [...new Set(suspended.map((e) => e.clock.ruleId))].join(', ');
    return { reason: 'AlreadySuspended', detail: `The case is already suspended (clock ${rules}); resume it first` };
  }
  if (req.name === 'resume' && suspended.length === 0) {
    return {
      reason: 'NotSuspended',
      detail: 'The case is not suspended: there is nothing to resume (Luật Tố cáo 2018 Art 31(2))',
    };
  }
  if (req.name === 'extend') {
    if (clocks.length === 0)
      return { reason: 'NoClock', detail: `No running statutory clock ${req.ruleId ?? ''} on this case` };
    if (clocks.every((e) => !e.clock.extensionPolicy)) {
      const rules = [...new Set(clocks.map((e) => e.clock.ruleId))].join(', ');
      return { reason: 'ExtensionNotAllowed', detail: `The law allows no extension of ${rules}` };
    }
  }
  return lawRefusal(state, nodeOf, req, today, law);
}

// ---- dates of legal events and forms --------------------------------------------------------------

/**
 * Slack of "today" in the date checks: the Update validator reads the workflow's clock (the start
 * of its workflow task), which trails the caller's by a moment; a date written just after midnight
 * in Vietnam must not be refused as a future one.
 */
export const TODAY_TOLERANCE_MS = 10 * 60_000;

/** Today in Vietnam as the date checks see it at `nowMs` (with {@link TODAY_TOLERANCE_MS}). */
export function checkedToday(nowMs: number): string {
  return vnDate(nowMs + TODAY_TOLERANCE_MS);
}

/**
 * Why the date of a legal event cannot be right, or null: every legal event (suspend, resume,
 * extend, withdraw, supplement, stay of execution, second complaint, marking complex) records a
 * decision or an act already done, on a case that exists: not before the case was received
 * (`received`), not after today in Vietnam. The detail names the field (`date`) and the rule.
 */
export function legalEventDateProblem(
  caseEvents: Readonly<Record<string, string>>,
  req: Pick<LegalEventRequest, 'name' | 'date'>,
  today: string,
): string | null {
  const date = req.date;
  if (date === undefined) return null;
  if (!isIsoDate(date)) return `date: '${date}' is not a date written YYYY-MM-DD`;
  const received = caseEvents.received;
  if (received !== undefined && date < received) {
    return `date: ${date} is before the case was received (${received}); a '${req.name}' event may not precede the receipt (rule notBefore received)`;
  }
  if (date > today)
    return `date: ${date} is in the future (today is ${today} in Vietnam); a '${req.name}' event records a decision already taken (rule notAfter today)`;
  return null;
}

// ---- the expiry day of a breached limit ----------------------------------------------------------

/**
 * Case variable the runner sets when a user task's due rule is breached: `{ <ruleId>: <due day> }`,
 * the day at whose end the limit expired (BLDS 2015 Art 148(1)). The breach is processed after that
 * day's midnight, so a definition dates events that count from the expiry with it
 * (`on: deadlineExpiredOn.K3`), not with the day the breach path runs.
 */
export const DEADLINE_EXPIRED_ON = 'deadlineExpiredOn';

/** `previous` (the variable's value) with `ruleId` expired on `due`. */
export function withExpiry(previous: JsonValue | undefined, ruleId: string, due: string): JsonValue {
  const base = previous !== null && typeof previous === 'object' && !Array.isArray(previous) ? previous : {};
  return { ...base, [ruleId]: due };
}

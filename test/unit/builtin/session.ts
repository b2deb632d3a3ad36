/**
 * A case of a built-in definition on the pure case session, run the way processWorkflow runs it
 * (ADR 0017): Updates pass the validator's checks first (form, date rules, calendar reach, legal
 * events) or are refused — the API's 4xx — and what is accepted runs with a calendar snapshot that
 * grows on demand (undo, widen, run again). Anything else thrown is what would fail a workflow
 * task: the property tests over dates assert it never happens. Service tasks are answered like
 * the activities answer them (calendars built around the day asked, as activities/lifecycle.ts).
 */
import { buildCalendar } from '../../../calendar/build.js';
import { caseEventsFor, validateRepresentatives } from '../../../processes/builtin/index.js';
import { LIFECYCLE_LAW } from '../../../processes/case-law.js';
import { computeDeadline, type CalendarSnapshot } from '../../../workflows/clock/index.js';
import type { JsonValue, ProcessDefinition } from '../../../workflows/engine/index.js';
import {
  buildRunGraph,
  CALENDAR_LEAD_DAYS,
  CALENDAR_SPAN_DAYS,
  initialState,
  msOf,
  vnDate,
  type Runner,
} from '../../../workflows/engine/runtime/index.js';
import { evaluateInputs } from '../../../workflows/engine/runtime/mappings.js';
import {
  CaseSession,
  checkMessage,
  LEGAL_EVENT,
  TASK_COMPLETION,
  type Applied,
  type MessageKind,
} from '../../../workflows/engine/session/index.js';
import { addDays } from '../../../workflows/clock/index.js';

/** The outcome of an Update: refused up front (a 4xx), or accepted and applied. */
export type UpdateOutcome = { refused: string } | { accepted: true };

const CASE_ID = 'case-1';
const snapshots = new Map<string, CalendarSnapshot>();
/** Snapshots are pure data of their range: built once per range. */
function calendarOf(range: { from: string; to: string }): CalendarSnapshot {
  const key = `${range.from}..${range.to}`;
  let cal = snapshots.get(key);
  if (!cal) {
    cal = buildCalendar(range);
    snapshots.set(key, cal);
  }
  return cal;
}

export class GrowingSession {
  readonly session: CaseSession;
  /** Calendar snapshots fetched after the first (the calendar grown on demand). */
  widened = 0;

  constructor(
    readonly definition: ProcessDefinition,
    readonly receivedOn: string,
    nowLocal: string,
  ) {
    this.session = new CaseSession(
      buildRunGraph(definition),
      initialState({ ...definition.variables, caseId: CASE_ID, receivedOn }, { received: receivedOn }),
      { caseId: CASE_ID, law: LIFECYCLE_LAW },
    );
    const from = addDays(receivedOn, -CALENDAR_LEAD_DAYS);
    this.session.state.calendar = calendarOf({ from, to: addDays(from, CALENDAR_SPAN_DAYS) });
    this.session.now = msOf(nowLocal);
    this.act((s) => s.start());
  }

  /** The session's token runner. */
  get runner(): Runner {
    return this.session.runner;
  }

  get today(): string {
    return vnDate(this.session.now);
  }

  /** Opens user task `nodeId` (a token rests on it, its due clock armed) whatever the path to it; returns the task id. */
  open(nodeId: string): string {
    const node = this.session.graph.node(nodeId);
    this.act((s) => s.runner.rest(node));
    return this.session.state.tasks.filter((t) => t.nodeId === nodeId && t.status === 'open').at(-1)!.id;
  }

  /** Completes a task as the API does (case events derived from the form), through the validator. */
  complete(taskId: string, data: Record<string, JsonValue>): UpdateOutcome {
    const task = this.session.state.tasks.find((t) => t.id === taskId);
    const caseEvents = task ? caseEventsFor(this.definition, task.nodeId, data) : {};
    return this.update(TASK_COMPLETION, { caseId: CASE_ID, taskId, data, caseEvents });
  }

  /** Sends a legal event as the case-events routes do, through the sendMessage validator. */
  send(
    name: string,
    payload: { date: string; amount?: number; ruleId?: string; variables?: Record<string, JsonValue> },
  ): UpdateOutcome {
    return this.update(LEGAL_EVENT, {
      caseId: CASE_ID,
      name,
      date: payload.date,
      decision: `${name}-${payload.date}`,
      variables: { eventOn: payload.date, ...(payload.variables ?? {}) },
      ...(payload.amount === undefined ? {} : { amount: payload.amount }),
      ...(payload.ruleId === undefined ? {} : { ruleId: payload.ruleId }),
    });
  }

  /** Lets time pass to `localIso` and fires what is due. */
  at(localIso: string): this {
    this.session.now = msOf(localIso);
    this.act((s) => s.fireDue());
    return this;
  }

  /** An Update as processWorkflow runs it: the validator's checks, then the message applied with the calendar growing. */
  private update<Req extends { caseId: string }>(kind: MessageKind<Req, unknown>, req: Req): UpdateOutcome {
    const refused = checkMessage(CASE_ID, this.session, kind, req, this.session.now);
    if (refused) return { refused: `${refused.type}: ${refused.message}` };
    let outcome: Applied<unknown> | undefined;
    this.act((s, waited) => {
      outcome = s.apply(kind, req, waited);
    }, kind.dates(req));
    return outcome && 'refused' in outcome
      ? { refused: `${outcome.refused.type}: ${outcome.refused.message}` }
      : { accepted: true };
  }

  /**
   * The interpreter's actGrowing: the calendar first covers `dates` and today; an operation that
   * needs a day the snapshot lacks is undone, the snapshot widened and the operation run again.
   * Service tasks the operation reached are then answered, each the same way.
   */
  private act(fn: (s: CaseSession, waited: boolean) => void, dates: readonly unknown[] = []): void {
    let waited = this.widen(this.session.calendarNeededFor(dates));
    for (let attempt = 0; ; attempt++) {
      const done = this.session.attempt(() => fn(this.session, waited));
      if ('value' in done) break;
      if (attempt > 3 || !this.widen(this.session.calendarNeeded([done.missingDay]))) throw done.error;
      waited = true;
    }
    this.pump();
  }

  private widen(range: { from: string; to: string } | undefined): boolean {
    if (!range) return false;
    this.session.setCalendar(calendarOf(range));
    this.widened += 1;
    return true;
  }

  private pump(): void {
    for (let guard = 0; guard < 500; guard++) {
      const token = this.session.tokens.find((t) => {
        const n = this.session.graph.node(t.nodeId);
        return n.type === 'serviceTask' || (n.type === 'callActivity' && !n.wait);
      });
      if (!token) return;
      const n = this.session.graph.node(token.nodeId);
      if (n.type === 'callActivity') {
        this.act((s) => s.childStarted(token.id, n.id, `case-linked-${token.id}`, `linked-${token.id}`));
        continue;
      }
      if (n.type !== 'serviceTask') return;
      const result = this.fake(n.activity, evaluateInputs(n.input, this.session.feelScope()));
      this.act((s) => s.serviceCompleted(token.id, n.id, result), Object.values(this.session.recordedBy(n.id, result)));
    }
    throw new Error('pump: too many service tasks (loop?)');
  }

  private fake(activity: string, args: Record<string, JsonValue>): Record<string, JsonValue> {
    const around = (start: string, days: number): CalendarSnapshot =>
      calendarOf({ from: addDays(start, -31), to: addDays(start, days) });
    switch (activity) {
      case 'setCaseFlag':
        return { value: args.value ?? null };
      case 'recordCaseEvent':
        return { event: args.event ?? null, on: typeof args.on === 'string' ? args.on : this.today };
      case 'recordDocument':
        return { documentId: 'doc' };
      case 'checkRepresentatives': {
        const r = validateRepresentatives((args.signers ?? []) as string[], (args.representatives ?? []) as string[]);
        return { ok: r.ok, massCase: r.massCase, errors: r.ok ? [] : r.errors.map((e) => e.message) };
      }
      case 'checkComplaintLimitation':
        return { expired: false, due: null };
      case 'computeDeadline': {
        if (typeof args.start !== 'string') return { due: null };
        const amount = args.amount as number;
        return {
          due: computeDeadline(
            { start: args.start, amount, unit: args.unit as 'calendar_days' | 'working_days' },
            around(args.start, 3 * amount + 60),
          ).due,
        };
      }
      default:
        return {};
    }
  }
}

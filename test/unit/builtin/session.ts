/**
 * A case of a built-in definition on the pure token runner, run the way processWorkflow runs it
 * (ADR 0017): Updates pass the validator's checks first (form, date rules, calendar reach, legal
 * events) or are refused — the API's 4xx — and what is accepted runs with a calendar snapshot that
 * grows on demand (undo, widen, run again). Anything else thrown is what would fail a workflow
 * task: the property tests over dates assert it never happens. Service tasks are answered like
 * the activities answer them (calendars built around the day asked, as activities/lifecycle.ts).
 */
import { buildCalendar } from '../../../calendar/build.js';
import { caseEventsFor, validateRepresentatives } from '../../../processes/builtin/index.js';
import { computeDeadline, type CalendarSnapshot } from '../../../workflows/clock/index.js';
import { evaluateExpression, type JsonValue, type ProcessDefinition } from '../../../workflows/engine/index.js';
import {
  buildRunGraph, CALENDAR_LEAD_DAYS, CALENDAR_SPAN_DAYS, calendarReachProblem, coverageErrorOf, initialState, msOf, Runner, vnDate, widerRange,
} from '../../../workflows/engine/runtime/index.js';
import { checkedToday, legalEventCheck, legalEventDateProblem, recordedCaseEvent } from '../../../workflows/engine/runtime/clocks.js';
import { addDays } from '../../../workflows/clock/index.js';

/** The outcome of an Update: refused up front (a 4xx), or accepted and applied. */
export type UpdateOutcome = { refused: string } | { accepted: true };

const snapshots = new Map<string, CalendarSnapshot>();
/** Snapshots are pure data of their range: built once per range. */
function calendarOf(range: { from: string; to: string }): CalendarSnapshot {
  const key = `${range.from}..${range.to}`;
  let cal = snapshots.get(key);
  if (!cal) { cal = buildCalendar(range); snapshots.set(key, cal); }
  return cal;
}

export class GrowingSession {
  readonly runner: Runner;
  /** Calendar snapshots fetched after the first (the calendar grown on demand). */
  widened = 0;

  constructor(readonly definition: ProcessDefinition, readonly receivedOn: string, nowLocal: string) {
    this.runner = new Runner(
      buildRunGraph(definition),
      initialState({ ...definition.variables, caseId: 'case-1', receivedOn }, { received: receivedOn }),
    );
    const from = addDays(receivedOn, -CALENDAR_LEAD_DAYS);
    this.runner.state.calendar = calendarOf({ from, to: addDays(from, CALENDAR_SPAN_DAYS) });
    this.runner.now = msOf(nowLocal);
    this.act((r) => r.start());
  }

  get today(): string {
    return vnDate(this.runner.now);
  }

  /** Opens user task `nodeId` (a token rests on it, its due clock armed) whatever the path to it; returns the task id. */
  open(nodeId: string): string {
    const node = this.runner.graph.node(nodeId);
    this.act((r) => r.rest(node));
    return this.runner.state.tasks.filter((t) => t.nodeId === nodeId && t.status === 'open').at(-1)!.id;
  }

  /** Completes a task as the API does (case events derived from the form), through the validator. */
  complete(taskId: string, data: Record<string, JsonValue>): UpdateOutcome {
    const task = this.runner.state.tasks.find((t) => t.id === taskId);
    const caseEvents = task ? caseEventsFor(this.definition, task.nodeId, data) : {};
    const today = checkedToday(this.runner.now);
    const problem = this.runner.checkTaskCompletion(taskId, data, { today });
    if (problem) return { refused: problem };
    for (const [event, date] of Object.entries(caseEvents)) {
      const far = calendarReachProblem(`caseEvents.${event}`, date, Object.values(this.runner.state.caseEvents));
      if (far) return { refused: far };
    }
    this.act((r) => r.completeTask(taskId, data, caseEvents), Object.values(caseEvents));
    return { accepted: true };
  }

  /** Sends a legal event as the case-events routes do, through the sendMessage validator. */
  send(name: string, payload: { date: string; amount?: number; ruleId?: string; variables?: Record<string, JsonValue> }): UpdateOutcome {
    const req = { name, date: payload.date, decision: `${name}-${payload.date}`, variables: { eventOn: payload.date, ...(payload.variables ?? {}) },
      ...(payload.amount === undefined ? {} : { amount: payload.amount }), ...(payload.ruleId === undefined ? {} : { ruleId: payload.ruleId }) };
    const today = checkedToday(this.runner.now);
    const bad = legalEventDateProblem(this.runner.state.caseEvents, req, today)
      ?? calendarReachProblem('date', req.date, Object.values(this.runner.state.caseEvents));
    if (bad) return { refused: bad };
    const refusal = legalEventCheck(this.runner.state, (id) => this.definition.nodes.find((n) => n.id === id), req, vnDate(this.runner.now));
    if (refusal) return { refused: `${refusal.reason}: ${refusal.detail}` };
    const legal = ['suspend', 'resume', 'extend'].includes(name) ? this.runner.planLegalEvent(name, req) : 'not a clock event';
    if (typeof legal === 'string' && this.runner.catchers(name).length === 0) return { refused: `MessageNotExpected: ${legal}` };
    this.act((r) => {
      if (['suspend', 'resume', 'extend'].includes(name) && typeof r.planLegalEvent(name, req) !== 'string') r.applyLegalEvent(name, req);
      r.deliverMessage(name, req.variables);
    }, [req.date]);
    return { accepted: true };
  }

  /** Lets time pass to `localIso` and fires what is due. */
  at(localIso: string): this {
    this.runner.now = msOf(localIso);
    this.act((r) => r.fireDue());
    return this;
  }

  /**
   * The interpreter's actGrowing: the calendar first covers `dates` and today; an operation that
   * needs a day the snapshot lacks is undone, the snapshot widened and the operation run again.
   * Service tasks the operation reached are then answered, each the same way.
   */
  private act(fn: (r: Runner) => void, dates: readonly unknown[] = []): void {
    this.widen([...dates, this.today]);
    for (let attempt = 0; ; attempt++) {
      const checkpoint = this.runner.checkpoint();
      try {
        fn(this.runner);
        break;
      } catch (err) {
        const missing = coverageErrorOf(err);
        if (!missing || attempt > 3) throw err;
        this.runner.restore(checkpoint);
        if (!this.widen([missing.date])) throw err;
      }
    }
    this.pump();
  }

  private widen(dates: readonly unknown[]): boolean {
    const held = this.runner.state.calendar!;
    const wider = widerRange(held, dates);
    if (!wider) return false;
    this.runner.setCalendar(calendarOf(wider));
    this.widened += 1;
    return true;
  }

  private pump(): void {
    for (let guard = 0; guard < 500; guard++) {
      const token = this.runner.tokens.find((t) => {
        const n = this.runner.graph.node(t.nodeId);
        return n.type === 'serviceTask' || (n.type === 'callActivity' && !n.wait);
      });
      if (!token) return;
      const n = this.runner.graph.node(token.nodeId);
      const scope = this.runner.feelScope();
      const args: Record<string, JsonValue> = {};
      if (n.type === 'serviceTask') for (const [k, e] of Object.entries(n.input)) args[k] = evaluateExpression(e, scope);
      const result = n.type === 'serviceTask' ? this.fake(n.activity, args) : {};
      const out: Record<string, JsonValue> = {};
      for (const [v, path] of Object.entries(n.type === 'serviceTask' ? n.output : {})) out[v] = path === '$' ? result : (result[path] ?? null);
      const recorded = n.type === 'serviceTask' ? recordedCaseEvent(n.activity, result) : {};
      this.act((r) => {
        Object.assign(r.state.caseEvents, recorded);
        r.completeToken(token.id, out, 'activity_completed');
      }, Object.values(recorded));
    }
    throw new Error('pump: too many service tasks (loop?)');
  }

  private fake(activity: string, args: Record<string, JsonValue>): Record<string, JsonValue> {
    const around = (start: string, days: number): CalendarSnapshot => calendarOf({ from: addDays(start, -31), to: addDays(start, days) });
    switch (activity) {
      case 'setCaseFlag': return { value: args.value ?? null };
      case 'recordCaseEvent': return { event: args.event ?? null, on: typeof args.on === 'string' ? args.on : this.today };
      case 'recordDocument': return { documentId: 'doc' };
      case 'checkRepresentatives': {
        const r = validateRepresentatives((args.signers ?? []) as string[], (args.representatives ?? []) as string[]);
        return { ok: r.ok, massCase: r.massCase, errors: r.ok ? [] : r.errors.map((e) => e.message) };
      }
      case 'checkComplaintLimitation': return { expired: false, due: null };
      case 'computeDeadline': {
        if (typeof args.start !== 'string') return { due: null };
        const amount = args.amount as number;
        return { due: computeDeadline({ start: args.start, amount, unit: args.unit as 'calendar_days' | 'working_days' }, around(args.start, 3 * amount + 60)).due };
      }
      default: return {};
    }
  }
}

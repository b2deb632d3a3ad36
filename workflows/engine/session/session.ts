/**
 * The case session: one case's state and everything that may happen to it, pure and deterministic
 * (no Temporal, no I/O, no host clock: `now` is set by the caller). processWorkflow
 * (workflows/interpreter.ts) wraps it in Temporal effects — timers, activities, linked cases, search
 * attributes, continue-as-new, patched() gates —, and the unit-test drivers of the built-in
 * definitions run the very same code with fakes of the activities (ADR 0021).
 *
 * A message (an Update: a task completion, a legal event, …) is a {@link MessageKind}: its checks,
 * run by the Update validator before anything enters the history, and its effect. The work the
 * workflow reports back (a service task's result, a linked case started / completed / escalating,
 * a timer due, a new calendar) has a method each.
 */
import type { CalendarSnapshot } from '../../clock/index.js';
import type { JsonValue } from '../primitives.js';
import { jsonTextProblem } from '../../text-check.js';
import type { CaseLaw } from '../runtime/case-law.js';
import {
  buildable,
  CALENDAR_SPAN_DAYS,
  coverageErrorOf,
  widerRange,
  type DayRange,
} from '../runtime/calendar-range.js';
import { liveBreaches, recordedCaseEvent } from '../runtime/clocks.js';
import { vnDate } from '../../clock/vn-time.js';
import type { RunGraph } from '../runtime/graph.js';
import { mapOutputs } from '../runtime/mappings.js';
import { Runner, type UncaughtEscalation } from '../runtime/runner.js';
import {
  applyEstablishedStep,
  beginImport,
  finishImport,
  importing,
  type EstablishedFacts,
  type EstablishedStep,
} from '../runtime/established.js';
import type { ChildLink, RunState, TaskRecord, Token } from '../runtime/types.js';

/** A message the case refuses: the failure type the API maps to its answer (409/422) and the detail. */
export interface Refusal {
  type: string;
  message: string;
}

/** What applying a message gives: its result, or a refusal found only then (the state moved meanwhile). */
export type Applied<T> = { applied: T } | { refused: Refusal };

/**
 * Behaviour that recorded histories predate: the workflow answers each with `patched(id)` (asked
 * only when the behaviour would make a difference, as before the split), the test drivers with true.
 */
export interface FeatureGates {
  /** A suspension / extension dated within a limit that already ran out applies to it (`kntc-late-legal-events-v1`). */
  lateLegalEvents(): boolean;
  /** A `recordCaseEvent` result dates its case event (`kntc-case-events-from-activity-v1`). */
  caseEventsFromResults(): boolean;
}

/** Every feature on: new executions and the unit-test drivers. */
export const CURRENT_FEATURES: FeatureGates = { lateLegalEvents: () => true, caseEventsFromResults: () => true };

export interface SessionOptions {
  caseId: string;
  /** The lifecycle law the engine applies through its hooks (processes/case-law.ts). */
  law: CaseLaw;
  gates?: FeatureGates;
  /** Names FEEL expressions see besides the case variables (the workflow: `caseId`, `caseType`). */
  scope?: Record<string, JsonValue>;
  /** Days a calendar snapshot spans (`ProcessOptions.calendarDays`). */
  calendarSpan?: number;
}

/**
 * One kind of message a case takes. Add a message (import a case with established facts, move a
 * case to a successor agency, …) by writing one of these and wiring it to an Update.
 */
export interface MessageKind<Req, Res> {
  /** The refusal type of text the read model cannot store in the message (ADR 0016). */
  readonly textRefusal: string;
  /** Days the message may need the calendar to cover: the workflow widens its snapshot first (ADR 0017). */
  dates(req: Req): readonly unknown[];
  /** The validator's checks against the case's state (after {@link checkMessage}'s common ones); null: accepted. */
  validate(s: CaseSession, req: Req, now: number): Refusal | null;
  /**
   * Applies an accepted message at `s.now`. `waited`: a wider calendar was awaited since the
   * validator ran (the state may have moved): check again.
   */
  apply(s: CaseSession, req: Req, waited: boolean): Applied<Res>;
}

/** The fields of a message every validator reads. */
export interface CaseMessage {
  caseId: string;
}

/**
 * The Update validator of a message: the checks every message passes (text the read model can store,
 * this case, started, still running), then the kind's own. Null: accepted. Validators do not run on
 * replay, so a check added here changes no recorded history.
 */
export function checkMessage<Req extends CaseMessage>(
  caseId: string,
  session: CaseSession | undefined,
  kind: MessageKind<Req, unknown>,
  req: Req,
  now: number,
): Refusal | null {
  // ADR 0016 (defence in depth behind the API's own check): a NUL, other control characters, lone
  // surrogates or a payload nested too deep never enter the history.
  const t = jsonTextProblem(req);
  if (t) return { type: kind.textRefusal, message: `invalid form data: ${t.path || '(payload)'} ${t.message}` };
  if (req.caseId !== caseId) return { type: 'WrongCase', message: `this is case ${caseId}, not ${req.caseId}` };
  if (!session) return { type: 'CaseStarting', message: 'the case is still starting' };
  if (session.state.status !== 'running')
    return { type: 'CaseClosed', message: `case ${caseId} is ${session.state.status}` };
  // ADR 0027: an imported case takes no message until its established facts are applied.
  if (session.importing()) return { type: 'CaseImporting', message: `case ${caseId} is still being imported` };
  return kind.validate(session, req, now);
}

/** A linked case's completion as its parent receives it. */
export interface ChildOutcome {
  tokenId: string;
  workflowId: string;
  outcome: string;
  variables: Record<string, JsonValue>;
}

export class CaseSession {
  readonly runner: Runner;
  readonly caseId: string;
  readonly law: CaseLaw;
  readonly gates: FeatureGates;
  readonly calendarSpan: number;

  constructor(
    readonly graph: RunGraph,
    state: RunState,
    opts: SessionOptions,
  ) {
    this.runner = new Runner(graph, state, opts.scope ?? {});
    this.caseId = opts.caseId;
    this.law = opts.law;
    this.gates = opts.gates ?? CURRENT_FEATURES;
    this.calendarSpan = opts.calendarSpan ?? CALENDAR_SPAN_DAYS;
  }

  get state(): RunState {
    return this.runner.state;
  }

  /** Epoch ms of "now": set before every operation (the workflow's Date.now()). */
  get now(): number {
    return this.runner.now;
  }

  set now(ms: number) {
    this.runner.now = ms;
  }

  /** Tokens resting on waiting elements. */
  get tokens(): readonly Token[] {
    return this.runner.tokens;
  }

  /** Escalations nothing in this case caught (the workflow forwards them to the parent case). */
  get uncaught(): UncaughtEscalation[] {
    return this.runner.uncaught;
  }

  /** The open user tasks. */
  openTasks(): TaskRecord[] {
    return this.state.tasks.filter((t) => t.status === 'open');
  }

  /** The node type a token rests on. */
  typeOf(token: Pick<Token, 'nodeId'>): string {
    return this.graph.node(token.nodeId).type;
  }

  /**
   * No automated step is under way — no service task running, no linked case being started: the
   * case waits for a person, a date, a message or a linked case (ADR 0019).
   */
  automatedStepsDone(): boolean {
    return this.tokens.every((t) => {
      const type = this.typeOf(t);
      return type !== 'serviceTask' && (type !== 'callActivity' || t.childWorkflowId !== undefined);
    });
  }

  /** Every call activity's linked case is started (none is being started). */
  linkedCasesStarted(): boolean {
    return this.tokens.every((t) => this.typeOf(t) !== 'callActivity' || t.childWorkflowId !== undefined);
  }

  /** Whether the case runs a statutory clock a legal event may address (running, or a limit that ran out on a waiting task). */
  hasStatutoryClocks(): boolean {
    return (
      this.state.timers.some((t) => t.clock !== undefined && t.clock.clock.follows === undefined) ||
      liveBreaches(this.state).length > 0
    );
  }

  // ---- messages ------------------------------------------------------------------------------

  /** Applies an accepted message (see {@link MessageKind.apply}). */
  apply<Req, Res>(kind: MessageKind<Req, Res>, req: Req, waited = false): Applied<Res> {
    return kind.apply(this, req, waited);
  }

  // ---- work the workflow reports back ----------------------------------------------------------

  /** Starts the process at its none start event. */
  start(): void {
    this.runner.start();
  }

  // ---- an imported case (ADR 0027: engine/runtime/established.ts) ------------------------------

  /** Marks the case imported with `facts` (before it starts; they are applied after). */
  beginImport(facts: EstablishedFacts): void {
    beginImport(this.state, facts);
  }

  /** Whether established facts remain to be applied (the case takes no message meanwhile). */
  importing(): boolean {
    return importing(this.state);
  }

  /** Applies established fact `i` at its date; what the case refuses of it, or null. */
  applyEstablishedStep(step: EstablishedStep, i: number, todayMs: number): string | null {
    return applyEstablishedStep(this.runner, step, i, todayMs, this.law);
  }

  /** Ends the import: limits the facts missed are past breaches; running clocks go on. */
  finishImport(nowMs: number): { breached: string[] } {
    return finishImport(this.runner, nowMs);
  }

  /** The case events a service task's result records (a `recordCaseEvent`'s `{ event, on }`: ADR 0007). */
  recordedBy(nodeId: string, result: unknown): Record<string, string> {
    const node = this.graph.node(nodeId);
    return node.type === 'serviceTask' ? recordedCaseEvent(node.activity, result) : {};
  }

  /**
   * A service task's activity answered: the case event it recorded is dated (drivers need not pass
   * it: ADR 0007; clocks armed after it count from its day), its output mappings set the variables
   * and the token moves on.
   */
  serviceCompleted(tokenId: string, nodeId: string, result: unknown): void {
    const node = this.graph.node(nodeId);
    if (node.type !== 'serviceTask') return;
    const recorded = recordedCaseEvent(node.activity, result);
    if (Object.keys(recorded).length > 0 && this.gates.caseEventsFromResults())
      Object.assign(this.state.caseEvents, recorded);
    this.runner.completeToken(tokenId, mapOutputs(node.output, result));
  }

  /** The linked case of call activity `nodeId` was started; a call activity that does not wait moves on. */
  childStarted(tokenId: string, nodeId: string, workflowId: string, childCaseId: string): void {
    const node = this.graph.node(nodeId);
    if (node.type !== 'callActivity') return;
    const t = this.runner.token(tokenId);
    this.state.children.push({
      nodeId,
      tokenId,
      workflowId,
      caseId: childCaseId,
      calledKey: node.calledKey,
      wait: node.wait,
      status: 'running',
    });
    if (!t) return;
    t.childWorkflowId = workflowId;
    if (!node.wait) this.runner.completeToken(tokenId, {}, 'child_started');
  }

  /**
   * A linked case completed: its link is marked at once; when its call activity still waits for it,
   * the output that moves the token on (apply it with {@link childCompleted}), else undefined.
   */
  noteChildCompleted(c: ChildOutcome): Record<string, JsonValue> | undefined {
    const link = this.state.children.find((l) => l.workflowId === c.workflowId);
    if (link) {
      link.status = 'completed';
      link.outcome = c.outcome;
    }
    const token = this.runner.token(c.tokenId);
    if (!token || token.childWorkflowId !== c.workflowId) return undefined;
    const node = this.graph.node(token.nodeId);
    return node.type === 'callActivity' ? mapOutputs(node.output, { ...c.variables, outcome: c.outcome }) : {};
  }

  /** Moves the call activity that waited for a completed linked case on. */
  childCompleted(tokenId: string, output: Record<string, JsonValue>): void {
    this.runner.completeToken(tokenId, output, 'child_completed');
  }

  /** Whether an escalation from linked case `workflowId` concerns the call activity of `tokenId` still waiting for it. */
  awaitsChild(tokenId: string, workflowId: string): boolean {
    return this.runner.token(tokenId)?.childWorkflowId === workflowId;
  }

  /** A linked case raised an escalation it did not catch: raised in the scope of its call activity. */
  childEscalated(tokenId: string, code: string): void {
    const token = this.runner.token(tokenId);
    if (token) this.runner.throwEscalation(code, tokenId, token.nodeId);
  }

  /** Earliest instant at which a timer or a clock rung fires, if any. */
  nextDueMs(): number | undefined {
    return this.runner.nextDueMs();
  }

  /** Fires every timer and rung due at {@link now}. */
  fireDue(): void {
    this.runner.fireDue();
  }

  /** Replaces the calendar snapshot and recomputes every clock (a holiday decreed after the fact). */
  setCalendar(calendar: CalendarSnapshot | undefined): void {
    this.runner.setCalendar(calendar);
  }

  /** The workflow was cancelled: every token is cancelled and the case ends `cancelled`. */
  cancel(): void {
    this.runner.cancelCase();
  }

  /** Linked cases an interrupted call activity waited for (the workflow cancels them). */
  orphanedChildren(): ChildLink[] {
    return this.runner.orphanedChildren();
  }

  /** Marks the orphaned linked cases `cancelled` and returns them. */
  cancelOrphanedChildren(): ChildLink[] {
    return this.runner.cancelOrphanedChildren();
  }

  /** Variables visible to FEEL expressions (service task input mappings). */
  feelScope(): Record<string, JsonValue> {
    return this.runner.feelScope();
  }

  // ---- the calendar grows on demand (ADR 0017) ---------------------------------------------------

  /**
   * The wider calendar range the case needs to cover `dates` (its snapshot lacks some of them and a
   * snapshot that wide can be built), or undefined: the snapshot covers them (or the case has none).
   */
  calendarNeeded(dates: readonly unknown[]): DayRange | undefined {
    const held = this.state.calendar;
    if (!held) return undefined;
    const wider = widerRange(held, dates, this.calendarSpan);
    return wider && buildable(wider) ? wider : undefined;
  }

  /** {@link calendarNeeded} for `dates` and today. */
  calendarNeededFor(dates: readonly unknown[]): DayRange | undefined {
    return this.calendarNeeded([...dates, vnDate(this.now)]);
  }

  /**
   * Runs an operation; should it need a calendar day the snapshot lacks, the operation is undone
   * (the state as before it) and the missing day returned with the error: widen the snapshot and
   * run it again. Other errors are thrown.
   */
  attempt<T>(fn: () => T): { value: T } | { missingDay: string; error: unknown } {
    const checkpoint = this.state.calendar ? this.runner.checkpoint() : undefined;
    try {
      return { value: fn() };
    } catch (err) {
      const missing = coverageErrorOf(err);
      if (!missing || !checkpoint) throw err;
      this.runner.restore(checkpoint);
      return { missingDay: missing.date, error: err };
    }
  }
}

/**
 * The token runner: moves tokens through a definition with take/discard semantics. Pure and
 * deterministic (no I/O, no host clock: `now` is set by the workflow), so it is unit-testable
 * without Temporal. Tokens only ever rest on waiting elements (tasks, activities, call
 * activities, catch events); everything else is passed through within one call.
 */
import { extendClock, resumeClock, suspendClock, type Clock } from '../../clock/index.js';
import type { EndEvent, DefinitionNode, BoundaryEvent } from '../nodes.js';
import { BREACH_SUPERSEDED_ESCALATION_CODE, DUE_BREACH_ESCALATION_CODE } from '../nodes.js';
import type { JsonValue } from '../primitives.js';
import { checkDateConstraints, validateFormData } from '../form-data.js';
import type { TimerSpec } from '../clock-rule.js';
import { BEHAVIOURS, discardOnwards, type Behaviour } from './behaviours.js';
import type { ElementContext } from './element-context.js';
import {
  addressedTo,
  armTimer,
  liveBreaches,
  followerClock,
  sameLimit,
  DEADLINE_EXPIRED_ON,
  evaluate,
  isoAt,
  withExpiry,
} from './clocks.js';
import { msOf, vnDate } from '../../clock/vn-time.js';
import type { RunGraph } from './graph.js';
import {
  RuntimeIncident,
  type BreachRecord,
  type CaseEvent,
  type ChildLink,
  type RunState,
  type TimerRecord,
  type Token,
} from './types.js';

const MAX_STEPS = 100_000;
/** Stopped clocks kept in the state (each with its derivation): the latest ones of a long case. */
export const MAX_CLOSED_CLOCKS = 50;

/** `breach`: the breach whose escalation path the work is on (tokens it creates inherit it). */
type Work = ({ kind: 'take' | 'discard'; flowId: string } | { kind: 'start'; nodeId: string }) & { breach?: string };

/** An escalation nothing in this case caught: the workflow forwards it to the parent case. */
export interface UncaughtEscalation {
  code: string;
  nodeId?: string;
}

/** Payload of a legal clock event (suspend / resume / extend). */
export interface LegalEventPayload {
  date?: string;
  decision?: string;
  amount?: number;
  ruleId?: string;
}

/** What {@link Runner.checkpoint} keeps. */
export interface RunCheckpoint {
  state: Omit<RunState, 'calendar'>;
  calendar: RunState['calendar'];
  uncaught: number;
}

/** Creates the initial run state. */
export function initialState(variables: Record<string, JsonValue>, caseEvents: Record<string, string>): RunState {
  return {
    status: 'running',
    outcomes: [],
    tokens: [],
    tasks: [],
    timers: [],
    variables: { ...variables },
    caseEvents: { ...caseEvents },
    flags: {},
    history: [],
    children: [],
    joins: {},
    discards: {},
    nextId: 0,
  };
}

export class Runner implements ElementContext {
  /** Epoch ms of "now"; the workflow sets it (Date.now() is deterministic there) before each call. */
  now = 0;
  readonly uncaught: UncaughtEscalation[] = [];
  private readonly queue: Work[] = [];
  private draining = false;
  /** The breach whose escalation path is being taken (see Token.breach), while it is. */
  private lineage: string | undefined;

  constructor(
    readonly graph: RunGraph,
    readonly state: RunState,
    private readonly extraScope: Record<string, JsonValue> = {},
  ) {}

  // ---- public operations -------------------------------------------------------------------

  /** Starts the process at its none start event. */
  start(): void {
    this.record('process_started');
    this.queue.push({ kind: 'start', nodeId: this.graph.noneStart.id });
    this.drain();
  }

  /** Tokens resting on elements. */
  get tokens(): readonly Token[] {
    return this.state.tokens;
  }

  token(id: string): Token | undefined {
    return this.state.tokens.find((t) => t.id === id);
  }

  /** Completes the wait of a token (activity result, child outcome, message, timer) and moves on. */
  completeToken(tokenId: string, variables: Record<string, JsonValue> = {}, type = 'completed'): void {
    const token = this.token(tokenId);
    if (!token) return;
    Object.assign(this.state.variables, variables);
    this.removeToken(token, 'met');
    this.record(type, token.nodeId);
    for (const b of this.graph.boundaries(token.nodeId)) {
      if (!(token.fired ?? []).includes(b.id)) this.discardAll(b.id);
    }
    this.withLineage(token.breach, () => this.takeAll(token.nodeId));
    this.drain();
  }

  /**
   * Why a task completion would be rejected, or null when it is acceptable. With `dates`, the
   * form's declared date constraints are checked too (the Update validator does; the handler does
   * not, so histories recorded before a constraint was declared still replay).
   */
  checkTaskCompletion(taskId: string, data: unknown, dates?: { today: string }): string | null {
    const task = this.state.tasks.find((t) => t.id === taskId);
    if (!task) return `unknown task '${taskId}'`;
    if (task.status !== 'open') return `task '${taskId}' is already ${task.status}`;
    const r = validateFormData(task.form, data ?? {});
    if (!r.ok) return `invalid form data: ${r.errors.map((e) => e.message).join('; ')}`;
    if (!dates) return null;
    const broken = checkDateConstraints(task.form, r.data, {
      today: dates.today,
      known: (name) => this.knownDate(name),
    });
    return broken.length === 0 ? null : `invalid form data: ${broken.map((e) => e.message).join('; ')}`;
  }

  /** A date the case knows by name: a variable holding a YYYY-MM-DD day, else a case event. */
  knownDate(name: string): string | undefined {
    const v = this.state.variables[name];
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
    return this.state.caseEvents[name];
  }

  /** Completes an open user task; its form data merges into the variables. */
  completeTask(taskId: string, data: Record<string, JsonValue>, caseEvents: Record<string, string> = {}): void {
    const problem = this.checkTaskCompletion(taskId, data);
    if (problem) throw new RuntimeIncident('TASK_REJECTED', problem);
    const task = this.state.tasks.find((t) => t.id === taskId)!;
    task.status = 'completed';
    task.closedAt = isoAt(this.now);
    Object.assign(this.state.caseEvents, caseEvents);
    this.completeToken(task.tokenId, validateFormData(task.form, data).ok ? data : {}, 'task_completed');
  }

  /** Elements that would catch message `name` now (catch-event tokens and boundary hosts). */
  catchers(name: string): { token: Token; boundary?: BoundaryEvent }[] {
    const out: { token: Token; boundary?: BoundaryEvent }[] = [];
    for (const token of this.state.tokens) {
      const node = this.graph.node(token.nodeId);
      if (
        node.type === 'intermediateCatchEvent' &&
        node.trigger.kind === 'message' &&
        node.trigger.messageName === name
      )
        out.push({ token });
      for (const b of this.graph.boundaries(node.id)) {
        // BPMN keeps a non-interrupting message boundary armed while its host is active: a second
        // `extend` or `suspend` during the same task is caught again (its decision is recorded).
        if (b.trigger.kind === 'message' && b.trigger.messageName === name) out.push({ token, boundary: b });
      }
    }
    return out;
  }

  /** Delivers a message to every element waiting for it; returns how many caught it. */
  deliverMessage(name: string, variables: Record<string, JsonValue> = {}): number {
    const catchers = this.catchers(name);
    this.record('message', undefined, { name });
    Object.assign(this.state.variables, variables);
    for (const c of catchers) {
      if (!this.token(c.token.id)) continue; // cancelled by an earlier interrupting catcher
      if (c.boundary) this.fireBoundary(c.boundary, c.token);
      else this.completeToken(c.token.id, {}, 'message_caught');
    }
    this.drain();
    return catchers.length;
  }

  /**
   * Limits that ran out on a user task still open (its token waits): a legal event decided within
   * the limit but recorded after it ran out still applies to them (see {@link BreachRecord}).
   */
  liveBreaches(ruleId?: string): BreachRecord[] {
    return liveBreaches(this.state, ruleId);
  }

  /**
   * Clocks a legal event would change; a string explains why the event is not applicable.
   * `withBreaches`: also limits that already ran out ({@link liveBreaches}) — an extension or a
   * suspension dated on or before the expiry day applies to them from its date (a later one is
   * refused: the limit had ended); false for histories recorded before this (patched()).
   */
  planLegalEvent(name: string, p: LegalEventPayload, withBreaches = true): PlannedClock[] | string {
    const date = p.date ?? vnDate(this.now);
    const decision = p.decision ?? `${name}:${date}`;
    const clocks = this.state.timers.filter((t) => t.clock && addressedTo(t.clock.clock, p.ruleId));
    const out: PlannedClock[] = [];
    const errors: string[] = [];
    for (const b of withBreaches ? this.liveBreaches(p.ruleId) : []) {
      const c = b.clock.clock;
      try {
        if (name === 'suspend' && c.suspensionBasis !== undefined) {
          if (date > b.due) errors.push(suspensionAfterDue(b));
          else out.push({ breach: b, clock: suspendClock(c, { from: date, decision }) });
        }
        if (name === 'extend' && c.extensionPolicy) {
          const r = extendClock(
            c,
            { amount: p.amount ?? 0, unit: c.budget.unit, decisionRef: decision, date },
            this.state.calendar!,
          );
          if (r.ok) out.push({ breach: b, clock: r.clock });
          else errors.push(r.refusal.message);
        }
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    for (const t of clocks) {
      const c = t.clock!.clock;
      try {
        if (name === 'suspend' && c.suspensionBasis !== undefined && t.clock!.status !== 'suspended')
          out.push({ timer: t, clock: suspendClock(c, { from: date, decision }) });
        if (name === 'resume' && t.clock!.status === 'suspended')
          out.push({ timer: t, clock: resumeClock(c, { to: date, decision }) });
        if (name === 'extend' && c.extensionPolicy) {
          const r = extendClock(
            c,
            { amount: p.amount ?? 0, unit: c.budget.unit, decisionRef: decision, date },
            this.state.calendar!,
          );
          if (r.ok) out.push({ timer: t, clock: r.clock });
          else errors.push(r.refusal.message);
        }
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (out.length === 0) return errors[0] ?? `no running clock accepts '${name}'`;
    // Clocks that follow a changed clock take the same ledger (ClockRule.follows; e.g. K17_K3 with K3),
    // also when they ran out with it (a late-recorded event: their breach is revived with it).
    const direct = [...out];
    for (const t of this.state.timers) {
      const f = t.clock?.clock;
      const followed = f?.follows === undefined ? undefined : direct.find((o) => o.clock.ruleId === f.follows);
      if (f && followed) out.push({ timer: t, clock: followerClock(f, followed.clock) });
    }
    const followers = withBreaches
      ? (this.state.breaches ?? []).filter(
          (b) => b.status === 'breached' && b.clock.clock.follows !== undefined && this.token(b.tokenId) !== undefined,
        )
      : [];
    for (const b of followers) {
      const followed = direct.find((o) => o.breach !== undefined && o.clock.ruleId === b.clock.clock.follows);
      if (followed) out.push({ breach: b, clock: followerClock(b.clock.clock, followed.clock) });
    }
    return out;
  }

  /**
   * Applies a legal clock event (suspend / resume / extend) to the clocks it concerns; returns the
   * breaches it superseded. A limit that already ran out moves from the event's date: when it now
   * ends after the moment the event is recorded, the breach is superseded — the task's due timer is
   * armed again, the breach's escalation path is cancelled (its tokens, e.g. the head's review), the
   * `overdue` flag is cleared when no other breach stands, and the process-level handler of
   * {@link BREACH_SUPERSEDED_ESCALATION_CODE} (if any) runs; when it still ended before, the breach
   * stands with its new expiry day.
   */
  applyLegalEvent(name: string, p: LegalEventPayload, withBreaches = true): BreachRecord[] {
    const plan = this.planLegalEvent(name, p, withBreaches);
    if (typeof plan === 'string') throw new RuntimeIncident('LEGAL_EVENT_REJECTED', plan);
    const superseded: BreachRecord[] = [];
    for (const { timer, breach, clock } of plan) {
      (this.state.ledgers ??= {})[clock.ruleId] = clock;
      if (timer) {
        this.reevaluate(timer, clock);
        this.record(`clock_${name}`, timer.nodeId, { ruleId: clock.ruleId, due: timer.clock!.due });
      } else if (breach) {
        if (this.reviveBreach(breach, clock, name, p)) superseded.push(breach);
        this.record(`clock_${name}`, breach.nodeId, { ruleId: clock.ruleId, due: breach.clock.due, late: true });
      }
    }
    if (superseded.length > 0) {
      const handler = this.graph.escalationStarts.find(
        (s) => s.trigger?.escalationCode === BREACH_SUPERSEDED_ESCALATION_CODE,
      );
      if (handler) {
        this.record('escalation', undefined, { code: BREACH_SUPERSEDED_ESCALATION_CODE });
        this.record('escalation_caught', handler.id, { code: BREACH_SUPERSEDED_ESCALATION_CODE });
        this.queue.push({ kind: 'start', nodeId: handler.id });
        this.drain();
      }
    }
    return superseded;
  }

  /** Applies `clock` (the breached clock after a late-recorded legal event) to breach `b`; true when superseded. */
  private reviveBreach(b: BreachRecord, clock: Clock, name: string, p: LegalEventPayload): boolean {
    const cs = evaluate(clock, this.state.calendar, this.now);
    b.clock = cs;
    if (cs.dueAt !== null && msOf(cs.dueAt) <= this.now) {
      // Still ran out, later: the breach stands with its new expiry day.
      if (cs.due !== null && cs.due !== b.due) {
        this.record('breach_moved', b.nodeId, { ruleId: b.ruleId, from: b.due, to: cs.due });
        b.due = cs.due;
        this.state.variables[DEADLINE_EXPIRED_ON] = withExpiry(
          this.state.variables[DEADLINE_EXPIRED_ON],
          b.ruleId,
          cs.due,
        );
      }
      return false;
    }
    const date = p.date ?? vnDate(this.now);
    b.status = 'superseded';
    b.supersededBy = {
      event: name,
      decision: p.decision ?? `${name}:${date}`,
      date,
      recordedAt: isoAt(this.now),
      due: cs.due,
    };
    // The task's limit runs again: its due timer is armed with the moved clock (rungs already past stay fired).
    const timer: TimerRecord = {
      id: this.newId('tm'),
      purpose: 'due',
      nodeId: b.nodeId,
      tokenId: b.tokenId,
      dueAtMs: cs.dueAt === null ? null : msOf(cs.dueAt),
      firedRungs: cs.rungs.filter((r) => msOf(r.at) <= this.now).map((r) => r.name),
      clock: cs,
    };
    // An imported boundary breach (ADR 0027) arms its boundary timer again, not a task's due timer.
    const boundary = this.graph.node(b.nodeId).type === 'boundaryEvent';
    if (boundary) timer.purpose = 'boundary';
    this.state.timers.push(timer);
    // The limit runs again: it is no longer listed as a breached, stopped clock (ADR 0019).
    if (this.state.closedClocks) this.state.closedClocks = this.state.closedClocks.filter((c) => c.timer.id !== b.id);
    const task = this.state.tasks.find((t) => t.tokenId === b.tokenId && t.status === 'open');
    if (task && !boundary) {
      task.dueTimerId = timer.id;
      task.dueAt = cs.dueAt;
    }
    // A later breach of the same task escalates again through its boundary.
    const host = this.token(b.tokenId);
    if (host?.fired) {
      host.fired = host.fired.filter((id) => {
        const n = this.graph.node(id);
        return !(
          n.type === 'boundaryEvent' &&
          n.trigger.kind === 'escalation' &&
          (n.trigger.escalationCode === undefined || n.trigger.escalationCode === DUE_BREACH_ESCALATION_CODE)
        );
      });
    }
    const expired = this.state.variables[DEADLINE_EXPIRED_ON];
    if (expired !== null && typeof expired === 'object' && !Array.isArray(expired) && b.ruleId in expired) {
      const { [b.ruleId]: _gone, ...rest } = expired;
      this.state.variables[DEADLINE_EXPIRED_ON] = rest;
    }
    // The breach's escalation path (flag, notices, the head's review, windows counted from the expiry) is moot.
    for (const t of this.state.tokens.filter((x) => x.breach === b.id)) {
      const open = this.state.tasks.find((x) => x.tokenId === t.id && x.status === 'open');
      this.cancelToken(t, 'breach_superseded');
      if (open) open.closedReason = 'breach_superseded';
    }
    this.state.flags.overdue = (this.state.breaches ?? []).some((x) => x.status === 'breached');
    this.record('breach_superseded', b.nodeId, {
      ruleId: b.ruleId,
      expiredOn: b.due,
      due: cs.due,
      event: name,
      decision: b.supersededBy.decision,
      date,
      recordedLate: true,
    });
    return true;
  }

  /**
   * A copy of the state for {@link restore}: an operation that needed a calendar day the snapshot
   * lacks is undone, a wider snapshot fetched and the operation run again (ADR 0017). The calendar
   * is shared, not copied: the runner replaces it, never changes it in place.
   */
  checkpoint(): RunCheckpoint {
    const { calendar, ...rest } = this.state;
    return {
      state: JSON.parse(JSON.stringify(rest)) as Omit<RunState, 'calendar'>,
      calendar,
      uncaught: this.uncaught.length,
    };
  }

  /** Puts back the state of a {@link checkpoint} (pending work of the failed operation dropped). */
  restore(cp: RunCheckpoint): void {
    const target = this.state as unknown as Record<string, unknown>;
    for (const key of Object.keys(target)) delete target[key];
    Object.assign(
      target,
      JSON.parse(JSON.stringify(cp.state)),
      cp.calendar === undefined ? {} : { calendar: cp.calendar },
    );
    this.queue.length = 0;
    this.uncaught.length = Math.min(this.uncaught.length, cp.uncaught);
  }

  /** Replaces the calendar and recomputes every clock (a holiday decreed after the fact). */
  setCalendar(calendar: RunState['calendar']): void {
    const before = this.state.calendar?.version;
    this.state.calendar = calendar;
    if (before === undefined) return;
    for (const t of this.state.timers) {
      if (!t.clock) continue;
      const due = t.clock.due;
      this.reevaluate(t, t.clock.clock);
      if (t.clock.due !== due)
        this.record('clock_recomputed', t.nodeId, {
          ruleId: t.clock.clock.ruleId,
          from: due,
          to: t.clock.due,
          calendar: calendar?.version ?? null,
        });
    }
  }

  /** Earliest instant at which a timer or a rung fires, if any. */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    const consider = (ms: number | null) => {
      if (ms !== null && (next === undefined || ms < next)) next = ms;
    };
    for (const t of this.state.timers) {
      consider(t.dueAtMs);
      for (const r of this.pendingRungs(t)) consider(msOf(r.at));
    }
    return next;
  }

  /** Fires every rung and timer due at `now`, earliest first. */
  fireDue(): void {
    for (let guard = 0; guard < MAX_STEPS; guard++) {
      let best: { t: TimerRecord; at: number; rung?: string } | undefined;
      for (const t of this.state.timers) {
        for (const r of this.pendingRungs(t)) {
          const at = msOf(r.at);
          if (at <= this.now && (!best || at < best.at)) best = { t, at, rung: r.name };
        }
        if (t.dueAtMs !== null && t.dueAtMs <= this.now && (!best || t.dueAtMs < best.at)) best = { t, at: t.dueAtMs };
      }
      if (!best) return;
      if (best.rung) this.fireRung(best.t, best.rung);
      else this.fireTimer(best.t);
      this.drain();
    }
  }

  /** Raises an escalation in the scope of a token (user task / call activity) or at process level. */
  throwEscalation(code: string, scopeTokenId?: string, fromNodeId?: string): 'caught' | 'uncaught' {
    this.record('escalation', fromNodeId, { code });
    const host = scopeTokenId === undefined ? undefined : this.token(scopeTokenId);
    if (host) {
      const b = this.graph
        .boundaries(host.nodeId)
        .find(
          (x) =>
            x.trigger.kind === 'escalation' &&
            (x.trigger.escalationCode === undefined || x.trigger.escalationCode === code) &&
            !(host.fired ?? []).includes(x.id),
        );
      if (b) {
        this.fireBoundary(b, host, this.lineage);
        return 'caught';
      }
    }
    const handler = this.graph.escalationStarts.find(
      (s) => s.trigger!.escalationCode === undefined || s.trigger!.escalationCode === code,
    );
    if (handler) {
      this.record('escalation_caught', handler.id, { code });
      if (handler.trigger!.interrupting) {
        // An interrupting process-level handler ends everything else the case is doing.
        this.queue.length = 0;
        for (const t of [...this.state.tokens]) this.cancelToken(t, 'interrupted');
      }
      this.queue.push({
        kind: 'start',
        nodeId: handler.id,
        ...(this.lineage === undefined ? {} : { breach: this.lineage }),
      });
      return 'caught';
    }
    this.uncaught.push({ code, ...(fromNodeId === undefined ? {} : { nodeId: fromNodeId }) });
    return 'uncaught';
  }

  /** Fires a boundary event on its host token (`lineage`: the breach path it starts, else the host's). */
  fireBoundary(b: BoundaryEvent, host: Token, lineage: string | undefined = host.breach): void {
    this.record('boundary_fired', b.id, { host: host.nodeId, interrupting: b.interrupting });
    if (b.interrupting) {
      this.cancelToken(host, 'interrupted');
      this.discardAll(host.nodeId);
      for (const other of this.graph.boundaries(host.nodeId))
        if (other.id !== b.id && !(host.fired ?? []).includes(other.id)) this.discardAll(other.id);
    } else {
      host.fired = [...(host.fired ?? []), b.id];
      this.state.timers = this.state.timers.filter(
        (t) => !(t.purpose === 'boundary' && t.nodeId === b.id && t.tokenId === host.id),
      );
    }
    this.withLineage(lineage, () => this.takeAll(b.id));
    this.drain();
  }

  /** Variables visible to FEEL expressions. */
  feelScope(): Record<string, JsonValue> {
    return { ...this.extraScope, ...this.state.variables };
  }

  // ---- the element API (behaviours.ts, through ElementContext) ------------------------------

  /**
   * Puts a token on waiting element `node` as if one arrived there: what its behaviour does on
   * arrival (a user task opens its task and arms its due clock).
   */
  rest(node: DefinitionNode): void {
    (BEHAVIOURS[node.type] as Behaviour).enter(this, node, undefined);
  }

  placeToken(node: DefinitionNode): Token {
    const token: Token = {
      id: this.newId('tk'),
      nodeId: node.id,
      since: isoAt(this.now),
      ...(this.lineage === undefined ? {} : { breach: this.lineage }),
    };
    this.state.tokens.push(token);
    this.record('entered', node.id);
    return token;
  }

  takeAll(nodeId: string): void {
    for (const f of this.graph.outgoing(nodeId)) this.take(f.id);
  }

  take(flowId: string): void {
    this.queue.push({ kind: 'take', flowId, ...(this.lineage === undefined ? {} : { breach: this.lineage }) });
  }

  discard(flowId: string): void {
    this.queue.push({ kind: 'discard', flowId, ...(this.lineage === undefined ? {} : { breach: this.lineage }) });
  }

  /**
   * Terminate end event (BPMN 2.0 §10.5.3 terminateEventDefinition): the case ends now. Pending
   * work is dropped, every other token is cancelled (open tasks -> cancelled, their timers and
   * clocks disarmed) and join/discard bookkeeping is cleared; drain() then completes the case with
   * this end's outcome. Linked cases the cancelled call activities waited for show up in
   * orphanedChildren() for the workflow to cancel.
   */
  terminate(node: EndEvent): void {
    this.queue.length = 0;
    for (const t of [...this.state.tokens]) this.cancelToken(t, 'terminated');
    this.state.joins = {};
    this.state.discards = {};
    this.state.terminatedBy = node.id;
    this.record('process_terminated', node.id, { outcome: node.outcome });
  }

  /**
   * The workflow was cancelled (Temporal cancellation request): every token is cancelled like on
   * termination, and the case ends with status `cancelled` (no end event, no outcome).
   */
  cancelCase(reason = 'case_cancelled'): void {
    if (this.state.status !== 'running') return;
    this.queue.length = 0;
    for (const t of [...this.state.tokens]) this.cancelToken(t, reason);
    this.state.joins = {};
    this.state.discards = {};
    this.state.status = 'cancelled';
    this.record('process_cancelled', undefined, { reason });
  }

  /**
   * Linked cases a call activity waited for whose token is gone without the linked case having
   * completed (the activity was interrupted by a boundary event or a process handler, or the case
   * terminated or was cancelled).
   */
  orphanedChildren(): ChildLink[] {
    return this.state.children.filter(
      (l) => l.wait && l.status === 'running' && this.token(l.tokenId)?.childWorkflowId !== l.workflowId,
    );
  }

  /** Marks the orphaned linked cases `cancelled` (the workflow cancels their workflows) and returns them. */
  cancelOrphanedChildren(): ChildLink[] {
    const orphans = this.orphanedChildren();
    for (const l of orphans) {
      l.status = 'cancelled';
      this.record('child_cancelled', l.nodeId, { workflowId: l.workflowId, calledKey: l.calledKey });
    }
    return orphans;
  }

  // ---- internals ---------------------------------------------------------------------------

  private drain(): void {
    if (this.draining) return; // re-entrant calls: the outer loop takes the queued work
    this.draining = true;
    const lineage = this.lineage;
    try {
      this.drainQueue();
    } finally {
      this.draining = false;
      this.lineage = lineage;
    }
    if (this.state.tokens.length === 0 && this.state.status === 'running') {
      this.state.status = 'completed';
      this.state.outcome = this.state.outcomes[this.state.outcomes.length - 1] ?? 'none';
      this.record('process_completed', undefined, { outcome: this.state.outcome });
    }
  }

  private drainQueue(): void {
    let steps = 0;
    while (this.queue.length > 0) {
      if (++steps > MAX_STEPS)
        throw new RuntimeIncident('RUNAWAY', 'the process did not settle (loop without a waiting element?)');
      const w = this.queue.shift()!;
      this.lineage = w.breach;
      if (w.kind === 'start') {
        this.enter(w.nodeId, undefined);
        continue;
      }
      const flow = this.graph.flow(w.flowId);
      if (w.kind === 'take') this.enter(flow.target, flow.id);
      else this.discardArrive(flow.target, flow.id);
    }
  }

  private enter(nodeId: string, flowId: string | undefined): void {
    const node = this.graph.node(nodeId);
    (BEHAVIOURS[node.type] as Behaviour).enter(this, node, flowId);
  }

  discardAll(nodeId: string): void {
    for (const f of this.graph.outgoing(nodeId)) this.discard(f.id);
  }

  /** A discarded flow arrives at `nodeId`: the element's dead-path elimination. */
  private discardArrive(nodeId: string, flowId: string): void {
    const node = this.graph.node(nodeId);
    const b = BEHAVIOURS[node.type] as Behaviour;
    if (b.discard) b.discard(this, node, flowId);
    else discardOnwards(this, node, false);
  }

  armTimer(purpose: TimerRecord['purpose'], nodeId: string, tokenId: string, spec: TimerSpec): TimerRecord {
    let { dueAtMs, clock } = armTimer(spec, this.state.caseEvents, this.state.calendar, this.now);
    // One clock per ruleId per case: inherit the suspensions/extensions already applied to it — for a
    // clock that follows another, those of the clock it follows (a stay armed after K3 was extended).
    const follows = clock?.clock.follows;
    const ledger = clock ? this.state.ledgers?.[follows ?? clock.clock.ruleId] : undefined;
    const same =
      clock && ledger && (follows === undefined ? sameClock(ledger, clock.clock) : sameLimit(ledger, clock.clock));
    if (clock && ledger && same && (ledger.suspensions.length > 0 || ledger.extensions.length > 0)) {
      clock = evaluate(
        { ...clock.clock, suspensions: ledger.suspensions, extensions: ledger.extensions },
        this.state.calendar,
        this.now,
      );
      dueAtMs = clock.dueAt === null ? null : msOf(clock.dueAt);
    }
    const timer: TimerRecord = {
      id: this.newId('tm'),
      purpose,
      nodeId,
      tokenId,
      dueAtMs,
      firedRungs: [],
      ...(clock ? { clock } : {}),
    };
    this.state.timers.push(timer);
    this.record('timer_armed', nodeId, {
      timerId: timer.id,
      dueAt: dueAtMs === null ? null : isoAt(dueAtMs),
      ...(clock ? { due: clock.due, ruleId: clock.clock.ruleId } : {}),
    });
    return timer;
  }

  private reevaluate(timer: TimerRecord, clock: Clock): void {
    timer.clock = evaluate(clock, this.state.calendar, this.now);
    timer.dueAtMs = timer.clock.dueAt === null ? null : msOf(timer.clock.dueAt);
    timer.firedRungs = timer.firedRungs.filter((name) =>
      timer.clock!.rungs.some((r) => r.name === name && msOf(r.at) <= this.now),
    );
    const task = this.state.tasks.find((t) => t.dueTimerId === timer.id);
    if (task) task.dueAt = timer.clock.dueAt;
  }

  private pendingRungs(t: TimerRecord): { name: string; at: string }[] {
    if (!t.clock || t.dueAtMs === null) return [];
    return t.clock.rungs.filter((r) => !t.firedRungs.includes(r.name));
  }

  private fireRung(t: TimerRecord, name: string): void {
    t.firedRungs.push(name);
    this.state.flags[name] = true;
    this.record('rung', t.nodeId, { name, ruleId: t.clock!.clock.ruleId, due: t.clock!.due });
  }

  private fireTimer(t: TimerRecord): void {
    this.state.timers = this.state.timers.filter((x) => x !== t);
    this.closeClock(t, t.purpose === 'due' ? 'breached' : 'expired');
    this.record('timer_fired', t.nodeId, { timerId: t.id });
    if (t.purpose === 'catch') {
      this.completeToken(t.tokenId, {}, 'timer_caught');
      return;
    }
    const host = this.token(t.tokenId);
    if (!host) return;
    if (t.purpose === 'boundary') {
      this.fireBoundary(this.graph.node(t.nodeId) as BoundaryEvent, host);
      return;
    }
    // Due rule of a user task breached: flag the case and escalate in the task's scope.
    this.state.flags.overdue = true;
    // The limit expired at the end of its due day: the breach path dates events counted from the
    // expiry with it (KN 2011 Art 33(1) + BLDS 2015 Art 147(2)), not with the day it runs.
    if (t.clock?.due)
      this.state.variables[DEADLINE_EXPIRED_ON] = withExpiry(
        this.state.variables[DEADLINE_EXPIRED_ON],
        t.clock.clock.ruleId,
        t.clock.due,
      );
    this.record('due_breached', t.nodeId, { ruleId: t.clock?.clock.ruleId ?? null, due: t.clock?.due ?? null });
    // The breach is kept (a late-recorded legal event dated within the limit may supersede it) and
    // its escalation path carries its id.
    let lineage: string | undefined;
    if (t.clock?.due) {
      (this.state.breaches ??= []).push({
        id: t.id,
        nodeId: t.nodeId,
        tokenId: t.tokenId,
        ruleId: t.clock.clock.ruleId,
        due: t.clock.due,
        at: isoAt(this.now),
        clock: t.clock,
        status: 'breached',
      });
      lineage = t.id;
    }
    this.withLineage(lineage, () => this.throwEscalation(DUE_BREACH_ESCALATION_CODE, host.id, t.nodeId));
  }

  /**
   * Imports a limit the established facts show was missed (ADR 0027): the due timer `t` of a user
   * task whose limit ran out before the fact now applied. Recorded as {@link fireTimer} records a
   * breach — the stopped clock `breached`, the {@link BreachRecord} (marked `imported`), the
   * `overdue` flag, `deadlineExpiredOn` — but no escalation is thrown: the breach happened before the
   * case came into this system, and no review task is opened for it. A later legal event dated
   * within the limit supersedes it as it would any breach (ADR 0018).
   */
  importBreach(t: TimerRecord, source: string): void {
    // A boundary timer counting a statutory clock (C4a) is recorded the same way and not fired.
    if (t.purpose === 'catch' || !t.clock?.due) return;
    for (const r of this.pendingRungs(t)) if (msOf(r.at) <= this.now) t.firedRungs.push(r.name);
    this.state.timers = this.state.timers.filter((x) => x !== t);
    this.closeClock(t, 'breached');
    this.state.flags.overdue = true;
    const { ruleId } = t.clock.clock;
    this.state.variables[DEADLINE_EXPIRED_ON] = withExpiry(
      this.state.variables[DEADLINE_EXPIRED_ON],
      ruleId,
      t.clock.due,
    );
    (this.state.breaches ??= []).push({
      id: t.id,
      nodeId: t.nodeId,
      tokenId: t.tokenId,
      ruleId,
      due: t.clock.due,
      at: isoAt(this.now),
      clock: t.clock,
      status: 'breached',
      imported: true,
    });
    this.record('due_breached', t.nodeId, {
      ruleId,
      due: t.clock.due,
      imported: true,
      source,
      escalated: false,
      timer: t.purpose,
    });
  }

  /** Rungs (reminder, at risk) of `t` already past when a case is imported: marked fired, with their flags. */
  importRungs(t: TimerRecord): void {
    for (const r of this.pendingRungs(t)) if (msOf(r.at) <= this.now) this.fireRung(t, r.name);
  }

  /** Re-evaluates every running clock at `now` (the end of an import: statuses as of today). */
  reevaluateAll(): void {
    for (const t of this.state.timers) if (t.clock) this.reevaluate(t, t.clock.clock);
  }

  /** Appends a case event to the history (the import's summary). */
  note(type: string, detail: Record<string, JsonValue>, nodeId?: string): void {
    this.record(type, nodeId, detail);
  }

  /** Runs `fn` with the breach lineage `lineage` (work it queues carries it), then restores the previous one. */
  private withLineage<T>(lineage: string | undefined, fn: () => T): T {
    const prev = this.lineage;
    this.lineage = lineage;
    try {
      return fn();
    } finally {
      this.lineage = prev;
    }
  }

  private cancelToken(token: Token, reason: string): void {
    this.removeToken(token, 'stopped');
    const task = this.state.tasks.find((t) => t.tokenId === token.id && t.status === 'open');
    if (task) {
      task.status = 'cancelled';
      task.closedAt = isoAt(this.now);
    }
    this.record('cancelled', token.nodeId, { reason });
  }

  private removeToken(token: Token, clocks: 'met' | 'stopped'): void {
    this.state.tokens = this.state.tokens.filter((t) => t.id !== token.id);
    for (const t of this.state.timers) if (t.tokenId === token.id) this.closeClock(t, clocks);
    this.state.timers = this.state.timers.filter((t) => t.tokenId !== token.id);
  }

  /** Keeps a statutory clock that stops running, with its last due date and derivation (ADR 0019). */
  private closeClock(t: TimerRecord, state: 'met' | 'breached' | 'expired' | 'stopped'): void {
    if (!t.clock) return;
    const closed = (this.state.closedClocks ??= []);
    closed.push({ timer: t, state, closedAt: isoAt(this.now) });
    if (closed.length > MAX_CLOSED_CLOCKS) closed.splice(0, closed.length - MAX_CLOSED_CLOCKS);
  }

  newId(prefix: string): string {
    this.state.nextId += 1;
    return `${prefix}${this.state.nextId}`;
  }

  record(type: string, nodeId?: string, detail?: Record<string, JsonValue>): void {
    const e: CaseEvent = {
      seq: this.state.history.length + 1,
      at: isoAt(this.now),
      type,
      ...(nodeId ? { nodeId } : {}),
      ...(detail ? { detail } : {}),
    };
    this.state.history.push(e);
  }
}

/** A clock a legal event changes: a running timer's, or a limit that already ran out (a breach). */
export interface PlannedClock {
  timer?: TimerRecord;
  breach?: BreachRecord;
  clock: Clock;
}

/** The refusal of a suspension dated after the limit it would stop ran out. */
function suspensionAfterDue(b: BreachRecord): string {
  return `Refused: the time limit ${b.ruleId} already ended on ${b.due}; a suspension decided after it cannot stop it (${b.clock.clock.suspensionBasis ?? b.clock.clock.legalBasis})`;
}

/** Same rule, same start and budget: a later arming of the clock a ledger belongs to. */
function sameClock(a: Clock, b: Clock): boolean {
  return a.ruleId === b.ruleId && sameLimit(a, b);
}

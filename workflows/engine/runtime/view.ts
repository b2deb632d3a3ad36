/**
 * The observable state of a case (query result and projection payload), built from the run state.
 */
import type { JsonValue } from '../primitives.js';
import { isoAt } from './clocks.js';
import type {
  BreachRecord,
  CaseEvent,
  ChildLink,
  ClosedClockState,
  RunState,
  TaskRecord,
  TimerPurpose,
  TimerRecord,
} from './types.js';
import type { DerivationStep } from '../../clock/index.js';
import { importedDerivation } from './established.js';

/** A timer or statutory clock as shown to officers: due instant and, for clocks, the derivation. */
export interface ClockView {
  timerId: string;
  nodeId: string;
  purpose: TimerPurpose;
  kind: 'duration' | 'clock';
  dueAt: string | null;
  ruleId?: string;
  legalBasis?: string;
  status?: string;
  due?: string | null;
  rungs?: { name: string; date: string; at: string }[];
  firedRungs: string[];
  derivation?: DerivationStep[];
  calendarVersion?: string;
  /** Stopped clocks only: how it stopped and when (ADR 0019). */
  state?: ClosedClockState;
  closedAt?: string;
}

/** What `getCaseState` returns and `projectCaseState` stores. */
export interface CaseStateView {
  caseId: string;
  /** `key@version+sha256:...` of the pinned definition. */
  pin: string;
  status: 'starting' | 'running' | 'completed' | 'cancelled';
  outcome?: string;
  /** Id of the terminate end event that ended the case, when one did. */
  terminatedBy?: string;
  /** Current stage: the name of the latest open element, else the status. */
  stage: string;
  currentNodes: { tokenId: string; nodeId: string; since: string }[];
  openTasks: TaskRecord[];
  /** Every task ever opened (open, completed, cancelled). */
  tasks: TaskRecord[];
  /** The running timers and clocks. */
  clocks: ClockView[];
  /** Statutory clocks that stopped running (met, breached, expired, stopped), with their derivation. */
  closedClocks?: ClockView[];
  /** Earliest due instant of the open clocks/timers, if any. */
  nextDueAt: string | null;
  variables: Record<string, JsonValue>;
  caseEvents: Record<string, string>;
  flags: Record<string, boolean>;
  history: CaseEvent[];
  children: ChildLink[];
  /**
   * Limits of user tasks that ran out: `breached`, or `superseded` by a legal event decided within
   * the limit and recorded after it ran out (with the event and the new due day).
   */
  breaches?: BreachView[];
  /** An imported case (ADR 0027): its source and how far its facts were applied. */
  imported?: RunState['imported'];
}

/** A limit that ran out, as shown on the case. */
export interface BreachView {
  nodeId: string;
  ruleId: string;
  legalBasis: string;
  /** The expiry day (the limit ran out at its end). */
  due: string;
  at: string;
  status: BreachRecord['status'];
  supersededBy?: BreachRecord['supersededBy'];
  /** A limit the facts of an imported case showed missed: recorded, not escalated (ADR 0027). */
  imported?: boolean;
}

/**
 * Current stage: the name of the latest element a token rests on, else `completed:<outcome>` or the
 * status. With `isWork` (user tasks, service tasks, call activities: the work in progress), the
 * latest work step is preferred over a waiting event: a case overdue at verification is at
 * "verification", not at the citizen's lawsuit window (K7) whose clock runs beside it.
 */
export function stageOf(s: RunState, nodeName: (id: string) => string, isWork?: (nodeId: string) => boolean): string {
  const work = isWork ? s.tokens.filter((t) => isWork(t.nodeId)) : [];
  const last = work[work.length - 1] ?? s.tokens[s.tokens.length - 1];
  return last ? nodeName(last.nodeId) : s.status === 'completed' ? `completed:${s.outcome ?? ''}` : s.status;
}

/**
 * Builds the view; `historyLimit` keeps only the latest events (projection payloads stay small);
 * `isWork` names the work steps the stage prefers (see {@link stageOf}).
 */
export function buildView(
  caseId: string,
  pin: string,
  s: RunState | undefined,
  nodeName: (id: string) => string,
  historyLimit?: number,
  isWork?: (nodeId: string) => boolean,
): CaseStateView {
  if (!s) {
    return {
      caseId,
      pin,
      status: 'starting',
      stage: 'starting',
      currentNodes: [],
      openTasks: [],
      tasks: [],
      clocks: [],
      nextDueAt: null,
      variables: {},
      caseEvents: {},
      flags: {},
      history: [],
      children: [],
    };
  }
  const clockView = (t: TimerRecord): ClockView => ({
    timerId: t.id,
    nodeId: t.nodeId,
    purpose: t.purpose,
    kind: t.clock ? 'clock' : 'duration',
    dueAt: t.dueAtMs === null ? null : isoAt(t.dueAtMs),
    firedRungs: [...t.firedRungs],
    ...(t.clock
      ? {
          ruleId: t.clock.clock.ruleId,
          legalBasis: t.clock.clock.legalBasis,
          status: t.clock.status,
          due: t.clock.due,
          rungs: t.clock.rungs,
          derivation: s.imported ? importedDerivation(s, t.clock) : t.clock.derivation,
          calendarVersion: t.clock.calendarVersion,
        }
      : {}),
  });
  const clocks = s.timers.map(clockView);
  const closedClocks = (s.closedClocks ?? []).map((c) => ({
    ...clockView(c.timer),
    state: c.state,
    closedAt: c.closedAt,
  }));
  const dues = s.timers.map((t) => t.dueAtMs).filter((x): x is number => x !== null);
  return {
    caseId,
    pin,
    status: s.status,
    ...(s.outcome === undefined ? {} : { outcome: s.outcome }),
    ...(s.terminatedBy === undefined ? {} : { terminatedBy: s.terminatedBy }),
    stage: stageOf(s, nodeName, isWork),
    currentNodes: s.tokens.map((t) => ({ tokenId: t.id, nodeId: t.nodeId, since: t.since })),
    openTasks: s.tasks.filter((t) => t.status === 'open'),
    tasks: s.tasks,
    clocks,
    ...(closedClocks.length === 0 ? {} : { closedClocks }),
    nextDueAt: dues.length === 0 ? null : isoAt(Math.min(...dues)),
    variables: s.variables,
    caseEvents: s.caseEvents,
    flags: s.flags,
    history: historyLimit === undefined ? s.history : s.history.slice(-historyLimit),
    children: s.children,
    ...(s.imported === undefined ? {} : { imported: s.imported }),
    ...(s.breaches === undefined
      ? {}
      : {
          breaches: s.breaches.map((b) => ({
            nodeId: b.nodeId,
            ruleId: b.ruleId,
            legalBasis: b.clock.clock.legalBasis,
            due: b.due,
            at: b.at,
            status: b.status,
            ...(b.supersededBy ? { supersededBy: b.supersededBy } : {}),
            ...(b.imported ? { imported: true } : {}),
          })),
        }),
  };
}

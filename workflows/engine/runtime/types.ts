/**
 * Serializable run state of the interpreter: tokens, tasks, timers and clocks, variables, case
 * history. Plain JSON so it crosses continueAsNew, queries and the projection activity unchanged.
 */
import type { Clock, ClockStatus, DerivationStep, CalendarSnapshot } from '../../clock/index.js';
import type { FormSchema } from '../form-schema.js';
import type { AgencyScope } from '../nodes.js';
import type { JsonValue } from '../primitives.js';

/** A token resting on a node that waits (task, activity, child case, timer or message). */
export interface Token {
  id: string;
  nodeId: string;
  /** ISO instant the token arrived. */
  since: string;
  /** Open task of a user task token. */
  taskId?: string;
  /** Workflow id of the linked case of a call activity token (once started). */
  childWorkflowId?: string;
  /** Boundary events of this (host) token that already fired (non-interrupting). */
  fired?: string[];
  /**
   * The breach ({@link BreachRecord} id) whose escalation path this token is on: cancelled when a
   * late-recorded legal event supersedes the breach.
   */
  breach?: string;
}

/** A user task as shown in the inbox. */
export interface TaskRecord {
  id: string;
  nodeId: string;
  tokenId: string;
  name: string;
  candidateRoles: string[];
  agencyScope: AgencyScope;
  form: FormSchema;
  status: 'open' | 'completed' | 'cancelled';
  openedAt: string;
  closedAt?: string;
  /** Timer id of the task's due clock, if the task has a due rule. */
  dueTimerId?: string;
  dueAt?: string | null;
  /** Why a cancelled task was closed when not by an interruption: `breach_superseded`. */
  closedReason?: string;
}

/** What a timer does when it fires. */
export type TimerPurpose = 'catch' | 'boundary' | 'due';

/** An armed timer: a plain duration or a statutory clock. */
export interface TimerRecord {
  id: string;
  purpose: TimerPurpose;
  /** The timer node (catch or boundary event) or, for `due`, the user task. */
  nodeId: string;
  /** Token the timer belongs to (the catching token or the boundary's host token). */
  tokenId: string;
  /** Epoch ms at which it fires; null while its clock is suspended. */
  dueAtMs: number | null;
  /** Present for statutory clock timers. */
  clock?: ClockState;
  /** Rungs (reminder, at_risk) already fired. */
  firedRungs: string[];
}

/**
 * How a statutory clock stopped running (ADR 0019): `met` (its task or activity completed, or its
 * event came, before the limit), `breached` (a due rule's limit passed: the task is overdue),
 * `expired` (a timer event's period ran to its end, e.g. a citizen's window closed), `stopped`
 * (its step was interrupted or the case ended first).
 */
export type ClosedClockState = 'met' | 'breached' | 'expired' | 'stopped';

/** A statutory clock no longer running, as it stood when it stopped (due date and derivation kept). */
export interface ClosedClockRecord {
  timer: TimerRecord;
  state: ClosedClockState;
  /** ISO instant it stopped. */
  closedAt: string;
}

/** A statutory clock with its latest evaluation (due date + derivation). */
export interface ClockState {
  clock: Clock;
  status: ClockStatus;
  due: string | null;
  dueAt: string | null;
  rungs: { name: string; date: string; at: string }[];
  derivation: DerivationStep[];
  calendarVersion: string;
}

/**
 * A statutory limit of a user task that ran out (its due timer fired): kept after the timer is
 * gone so a legal event decided within the limit but recorded later (an extension or a suspension
 * dated on or before the expiry day) still applies to it, and so the breach it cancels is shown
 * superseded rather than silently kept.
 */
export interface BreachRecord {
  /** The id of the due timer that fired. */
  id: string;
  /** The user task whose due rule ran out, and its token. */
  nodeId: string;
  tokenId: string;
  ruleId: string;
  /** Expiry day: the limit ran out at its end (BLDS 2015 Art 148(1)). */
  due: string;
  /** When the breach was processed (ISO instant). */
  at: string;
  /** The clock as it stands (moved by later legal events). */
  clock: ClockState;
  status: 'breached' | 'superseded';
  /** A limit the facts of an imported case show was missed (ADR 0027): recorded, never escalated here. */
  imported?: boolean;
  /** The legal event that superseded the breach: it moved the limit past the day it was recorded. */
  supersededBy?: { event: string; decision: string; date: string; recordedAt: string; due: string | null };
}

/** One entry of the case history (what happened, in order). */
export interface CaseEvent {
  seq: number;
  at: string;
  type: string;
  nodeId?: string;
  detail?: Record<string, JsonValue>;
}

/** A linked case started by a call activity. */
export interface ChildLink {
  nodeId: string;
  tokenId: string;
  workflowId: string;
  caseId: string;
  calledKey: string;
  wait: boolean;
  /** `cancelled`: the waiting call activity was interrupted (or the case terminated) and the linked case was cancelled. */
  status: 'running' | 'completed' | 'cancelled';
  outcome?: string;
}

/** Join bookkeeping: which incoming flows were taken / discarded in the current round. */
export interface JoinState {
  taken: string[];
  discarded: string[];
}

/** The whole interpreter state. */
export interface RunState {
  /** `cancelled`: the workflow itself was cancelled (Temporal cancellation), not ended by an end event. */
  status: 'running' | 'completed' | 'cancelled';
  outcome?: string;
  /** Id of the terminate end event that ended the case, when one did. */
  terminatedBy?: string;
  /** Every end event reached, in order. */
  outcomes: string[];
  tokens: Token[];
  tasks: TaskRecord[];
  timers: TimerRecord[];
  variables: Record<string, JsonValue>;
  /** Named case events (received, accepted, ...) as YYYY-MM-DD: the starts of statutory clocks. */
  caseEvents: Record<string, string>;
  flags: Record<string, boolean>;
  history: CaseEvent[];
  children: ChildLink[];
  joins: Record<string, JoinState>;
  /** Discard counters of merging (non-join) nodes. */
  discards: Record<string, number>;
  /** Monotonic id counter (ids are deterministic). */
  nextId: number;
  /** Statutory clocks that stopped running, latest last (at most MAX_CLOSED_CLOCKS; ADR 0019). */
  closedClocks?: ClosedClockRecord[];
  /** Calendar the clocks are evaluated against (fetched by an activity, so recorded in history). */
  calendar?: CalendarSnapshot;
  /**
   * Latest clock per ruleId after a legal event (suspend / resume / extend): a task of the same
   * phase armed later with the same rule and start inherits its suspensions and extensions.
   */
  ledgers?: Record<string, Clock>;
  /** The facts a case was imported with (ADR 0027): where they came from and how far they were applied. */
  imported?: ImportedState;
  /** Limits of user tasks that ran out, in order ({@link BreachRecord}). */
  breaches?: BreachRecord[];
}

/** What an imported case keeps of its import (ADR 0027). */
export interface ImportedState {
  /** The source system / file and the row's id there. */
  source: string;
  sourceId: string;
  /** Steps of the facts applied so far (the import is done when it equals their number). */
  applied: number;
  steps: number;
  /** Case events the facts established (their clocks' derivations say so). */
  events: string[];
  /** Set once every fact is applied and the clocks are evaluated as of the import. */
  done?: string;
}

/** Thrown by the runner for definitions that cannot proceed (the workflow maps it to ApplicationFailure). */
export class RuntimeIncident extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
    this.name = 'RuntimeIncident';
  }
}

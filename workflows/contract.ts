/**
 * The message contract between the API, the worker and the case workflow.
 * Dependency-free (only Temporal's pure workflow/common APIs): the API imports it for type-checked
 * signals, queries and updates; workflow code imports it too. Nothing Node-side may be added here.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { DefinitionPin, JsonValue, ProcessDefinition } from './engine/index.js';
import type { CaseStateView, EstablishedFacts, RunState, TaskRecord } from './engine/runtime/index.js';

export type { CaseStateView, ClockView, TaskRecord } from './engine/runtime/index.js';

/** Default task queue of the case worker (overridable by TEMPORAL_TASK_QUEUE). */
export const DEFAULT_TASK_QUEUE = 'kntc-cases';

/** Business-key workflow id of a case: one workflow per case id. */
export function caseWorkflowId(caseId: string): string {
  return `case-${caseId}`;
}

export type CaseType = 'letter' | 'complaint_first' | 'complaint_second' | 'denunciation' | 'petition';

/**
 * Search attributes (no personal data: they are stored unencrypted in the visibility store). The
 * API sets type, agency, stage and receipt instant at start; processWorkflow keeps status, stage,
 * definition, outcome, next due instant and the overdue flag current (and fills type, agency and
 * receipt date of the linked cases it starts).
 */
export const SA = {
  caseType: defineSearchAttributeKey('KntcCaseType', SearchAttributeType.KEYWORD),
  agencyId: defineSearchAttributeKey('KntcAgencyId', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('KntcStage', SearchAttributeType.KEYWORD),
  receivedAt: defineSearchAttributeKey('KntcReceivedAt', SearchAttributeType.DATETIME),
  dueAt: defineSearchAttributeKey('KntcDueAt', SearchAttributeType.DATETIME),
  /** `running`, `completed` or `cancelled`. */
  status: defineSearchAttributeKey('KntcStatus', SearchAttributeType.KEYWORD),
  /** Pinned definition as `key@version`. */
  definition: defineSearchAttributeKey('KntcDefinition', SearchAttributeType.KEYWORD),
  /** Outcome code of the end event that ended the case. */
  outcome: defineSearchAttributeKey('KntcOutcome', SearchAttributeType.KEYWORD),
  /** A due rule of the case breached. */
  overdue: defineSearchAttributeKey('KntcOverdue', SearchAttributeType.BOOL),
} as const;

const CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** Registration list for the dev server's `--search-attribute NAME=Type` (and the operator API). */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; cliType: string }> = Object.values(SA).map((k) => ({
  name: k.name,
  cliType: CLI_TYPE[k.type],
}));

// ---- processWorkflow: the definition interpreter ------------------------------------------------

/** Workflow type name of the interpreter. */
export const PROCESS_WORKFLOW = 'processWorkflow';

/**
 * Input of {@link PROCESS_WORKFLOW}. References only, never personal data. The full pinned
 * definition travels in the input so that the history shows exactly what ran; the workflow
 * re-hashes it and fails with `PinMismatch` when it does not match `pin`.
 */
export interface ProcessInput {
  caseId: string;
  caseType: string;
  agencyId?: string;
  reference?: string;
  /** The normalised definition (output of validateDefinition). */
  definition: ProcessDefinition;
  /** key, version and content hash; `label` is `key@version+sha256:...`. */
  pin: DefinitionPin & { label: string };
  /** Initial variables (over the definition's defaults). */
  variables?: Record<string, JsonValue>;
  /** Named case events as YYYY-MM-DD (Vietnam), e.g. { received: '2026-11-27' }: starts of statutory clocks. */
  caseEvents: Record<string, string>;
  /** Set when started by a parent case's call activity that waits for it. */
  parent?: { workflowId: string; tokenId: string };
  options?: ProcessOptions;
  /**
   * A case imported already under way (ADR 0027): the facts established in the source system, applied
   * in order at their own dates before the case runs on (`POST /v1/cases/import`).
   */
  established?: EstablishedFacts;
  /** State carried over continueAsNew (never set by callers). */
  carried?: CarriedState;
}

/** Tuning knobs (tests, benchmarks). */
export interface ProcessOptions {
  /** Project state to Postgres after each step (default true). */
  project?: boolean;
  /** Continue-as-new once history has this many events (default: when Temporal suggests it). */
  continueAsNewAfterEvents?: number;
  /** Days of calendar fetched from the earliest case event (default 1100). */
  calendarDays?: number;
}

/** State handed from one run to the next by continueAsNew. */
export interface CarriedState {
  state: RunState;
  projectionSeq: number;
  runs: number;
  /** Audit entries not projected yet. */
  audits?: WorkflowAuditEntry[];
}

/** Result of a completed case. */
export interface ProcessResult {
  caseId: string;
  pin: string;
  outcome: string;
  outcomes: string[];
  variables: Record<string, JsonValue>;
  runs: number;
}

/**
 * An audit entry of an acknowledged action (ADR 0013), carried by the Update that applies it: once
 * the case has applied the Update, its projection activity appends the entry (at most once per
 * `key`), so an acknowledged action keeps its actor's entry even if the API process dies right after.
 * References only, never personal data.
 */
export interface WorkflowAuditEntry {
  /** At most one entry per key (e.g. `task.completed:<caseId>.<taskId>`). */
  key: string;
  action: string;
  actor: { type: string; id: string; agency: string | null };
  requestId?: string;
  legalBasis?: string;
  before?: Record<string, JsonValue>;
  after?: Record<string, JsonValue>;
}

/** Completes an open user task (update with validator: rejected requests never reach history). */
export interface CompleteTaskRequest {
  caseId: string;
  taskId: string;
  data: Record<string, JsonValue>;
  /** Case events established by this task (e.g. { accepted: '2026-12-01' }). */
  caseEvents?: Record<string, string>;
  /** Reference of the acting officer (no personal data). */
  actor?: string;
  /**
   * The roles the actor works as (its `task-role:` permissions, or else its API roles). When given,
   * the validator refuses (`TaskRoleMismatch`) unless one is among the task's candidate roles.
   */
  actorRoles?: string[];
  /** The actor's audit entry, recorded by the case once the task is completed. */
  audit?: WorkflowAuditEntry;
}
export interface CompleteTaskResult {
  taskId: string;
  openTasks: TaskRecord[];
}
export const completeTask = defineUpdate<CompleteTaskResult, [CompleteTaskRequest]>('completeTask');

/**
 * A legal event or any message awaited by the case. `suspend` / `resume` / `extend` act on the
 * statutory clocks (payload: decision date, decision reference, extension amount, optional ruleId);
 * every message also reaches the catch events and message boundaries waiting for its name.
 */
export interface SendMessageRequest {
  caseId: string;
  name: string;
  date?: string;
  decision?: string;
  amount?: number;
  ruleId?: string;
  variables?: Record<string, JsonValue>;
  /** The actor's audit entry, recorded by the case once the message is applied (`caught` and `clocksChanged` added to `after`). */
  audit?: WorkflowAuditEntry;
}
export interface SendMessageResult {
  caught: number;
  clocksChanged: number;
  /** Breaches the event superseded: it was dated within a limit that had run out when recorded, and moved it past that moment. */
  breachesSuperseded?: number;
}
export const sendMessage = defineUpdate<SendMessageResult, [SendMessageRequest]>('sendMessage');

// The agency calendar changed (a holiday decreed after the fact): `calendarChanged` of
// ./calendar-contract.ts; processWorkflow refetches its calendar and recomputes its clocks.
/** Sent by a linked case to its waiting parent when it ends. */
export const childCompleted =
  defineSignal<[{ tokenId: string; workflowId: string; outcome: string; variables: Record<string, JsonValue> }]>(
    'childCompleted',
  );
/** Sent by a linked case to its waiting parent for escalations it did not catch. */
export const childEscalated = defineSignal<[{ tokenId: string; workflowId: string; code: string }]>('childEscalated');
/** Current nodes, open tasks, clocks (due dates + derivations), variables, flags, history. */
export const getCaseState = defineQuery<CaseStateView>('getCaseState');

/** Input of the `projectCaseState` activity: idempotent by (caseId, seq). */
export interface ProjectCaseStateInput {
  caseId: string;
  seq: number;
  caseType: string;
  agencyId?: string;
  state: CaseStateView;
  /** Audit entries of Updates applied since the previous projection (appended once per key). */
  audits?: WorkflowAuditEntry[];
}

/** Context passed as second argument to every service-task activity (idempotency key = caseId + tokenId). */
export interface ServiceTaskContext {
  caseId: string;
  nodeId: string;
  tokenId: string;
}

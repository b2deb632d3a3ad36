/**
 * The case as `GET /v1/cases/:id` shows it: the intake record, the interpreter state (from the
 * read model, or live from the workflow with `consistent=true`), flags, open tasks with their
 * claims, clocks with due dates and derivations, linked cases and documents.
 */
import { z } from 'zod';
import type { CaseRecord } from '../db/cases.js';
import type { CaseStateView } from '../workflows/contract.js';
import { nodeLabel, stageLabel } from '../processes/builtin/labels-vi.js';
import { NameLabel, StageLabel } from './schemas.js';

/** API id of a task: `<caseId>.<taskId>` (runner task ids are unique within a case). */
export const taskApiId = (caseId: string, taskId: string): string => `${caseId}.${taskId}`;

export const FlagsView = z
  .object({
    mass: z.boolean(),
    complex: z.boolean(),
    remote: z.boolean(),
    suspended: z.boolean(),
    overdue: z.boolean(),
    atRisk: z.boolean(),
  })
  .meta({ id: 'CaseFlags' });

export const TaskView = z
  .object({
    id: z.string().meta({ description: '`<caseId>.<taskId>`: use it with /v1/tasks/{id}/…' }),
    caseId: z.string(),
    taskId: z.string(),
    nodeId: z.string(),
    name: z.string().meta({ description: 'Name of the task (its node in the definition)' }),
    nameLabel: NameLabel,
    candidateRoles: z.array(z.string()),
    agencyScope: z.string(),
    status: z.string(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    assignee: z.string().nullable(),
    form: z.unknown(),
  })
  .meta({ id: 'Task' });

export const ClockViewSchema = z
  .object({
    timerId: z.string(),
    nodeId: z.string(),
    purpose: z.string(),
    kind: z.string(),
    dueAt: z.string().nullable(),
    ruleId: z.string().optional(),
    legalBasis: z.string().optional(),
    status: z.string().optional(),
    due: z.string().nullable().optional(),
    rungs: z.array(z.object({ name: z.string(), date: z.string(), at: z.string() })).optional(),
    firedRungs: z.array(z.string()),
    derivation: z.array(z.unknown()).optional().meta({ description: 'How the due date was computed, step by step' }),
    state: z.enum(['running', 'suspended', 'met', 'breached', 'expired', 'stopped']).meta({
      description:
        '`running` / `suspended`: counting now. A clock that stopped stays listed with its due date and derivation: `met` (its step ' +
        'completed, or its event came, within the limit), `breached` (the limit of a step passed: overdue), `expired` (a period ran to its ' +
        "end, e.g. a citizen's window closed), `stopped` (its step was interrupted, or the case ended first)",
    }),
    closedAt: z.string().nullable().meta({ description: 'When a stopped clock stopped; null while it runs' }),
  })
  .meta({ id: 'Clock' });

export const CaseEventView = z
  .object({
    kind: z.enum(['case_event', 'warning']),
    name: z.string(),
    on: z.string().nullable().meta({ description: 'Its day (YYYY-MM-DD, Vietnam)' }),
    nodeId: z.string().nullable().meta({
      description: 'The step that recorded it; null for an event the case was started or a task completed with',
    }),
    message: z.string().nullable(),
    recordedAt: z.string().nullable(),
  })
  .meta({ id: 'CaseEvent' });
export type CaseEventView = z.infer<typeof CaseEventView>;

/** A limit that ran out on the case (ADR 0018): breached, or superseded by a legal event decided within it and recorded later. */
export const BreachViewSchema = z
  .object({
    nodeId: z.string(),
    ruleId: z.string(),
    legalBasis: z.string(),
    due: z.string().meta({ description: 'Expiry day (the limit ran out at its end)' }),
    at: z.string().meta({ description: 'When the breach was processed' }),
    status: z.enum(['breached', 'superseded']),
    supersededBy: z
      .object({
        event: z.string(),
        decision: z.string(),
        date: z.string().meta({ description: 'Date of the decision (within the limit)' }),
        recordedAt: z.string().meta({ description: 'When the decision was recorded (after the limit ran out)' }),
        due: z.string().nullable().meta({ description: 'The new due day (null while suspended)' }),
      })
      .optional(),
  })
  .meta({ id: 'Breach' });

/**
 * An internal target (ADR 0035): e.g. a special period's target for a letter concerning congress personnel —
 * configuration, not a statutory clock; shown next to the clocks and marked as internal.
 */
export const InternalClockView = z
  .object({
    kind: z.literal('internal'),
    statutory: z.literal(false),
    label: z.string(),
    periodId: z.string(),
    routedToAgencyId: z.string(),
    startOn: z.string().nullable(),
    days: z.number().int(),
    unit: z.literal('working_days'),
    dueOn: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    basis: z.string(),
  })
  .meta({ id: 'InternalClock' });

export const CaseDetailView = z
  .object({
    id: z.string(),
    reference: z.string(),
    workflowId: z.string(),
    caseType: z.string(),
    channel: z.string(),
    agencyId: z.string(),
    subject: z.string(),
    remoteArea: z.boolean(),
    receivedAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    definition: z.object({ key: z.string(), version: z.number().int(), hash: z.string() }).nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    stage: z.string().meta({ description: 'Name of the current step' }),
    stageLabel: StageLabel,
    status: z.enum(['open', 'closed']),
    outcome: z.string().nullable(),
    currentNodes: z.array(z.string()),
    completedNodes: z.array(z.string()).meta({
      description: 'Steps the case has passed through (completed tasks and steps left), for marking a diagram',
    }),
    flags: FlagsView,
    openTasks: z.array(TaskView),
    clocks: z.array(ClockViewSchema),
    internalClocks: z.array(InternalClockView).optional().meta({
      description: 'Internal (non-statutory) targets, e.g. of a special period (ADR 0035); never a legal deadline',
    }),
    nextDueAt: z.string().nullable(),
    breaches: z.array(BreachViewSchema).meta({
      description:
        'Limits that ran out: breached, or superseded by an extension / suspension decided within the limit and recorded after it ran out',
    }),
    linkedCases: z
      .array(
        z.object({
          caseId: z.string(),
          workflowId: z.string(),
          definitionKey: z.string(),
          status: z.string(),
          outcome: z.string().nullable(),
          link: z.string(),
          reference: z
            .string()
            .nullable()
            .meta({ description: "The linked case's reference (null until its first projection)" }),
          caseType: z.string().nullable(),
        }),
      )
      .meta({
        description:
          "Cases this case's workflow started (call activities): a letter's complaint, a first complaint's second instance",
      }),
    parentCaseId: z
      .string()
      .nullable()
      .meta({ description: 'The case whose workflow started this one (a linked case), else null' }),
    parent: z.object({ caseId: z.string(), reference: z.string(), caseType: z.string(), link: z.string() }).nullable(),
    documents: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        legalBasis: z.string().nullable(),
        recipients: z.array(z.string()),
        issuedOn: z.string().nullable(),
        sentOn: z.string().nullable(),
        receivedOn: z.string().nullable(),
      }),
    ),
    events: z.array(CaseEventView).meta({
      description:
        'Dated case events (received, accepted, resolutionDeadlineExpired, …: the starts of statutory clocks) and the warnings recorded on the case, by day',
    }),
    projectionSeq: z.number().int(),
    consistency: z.object({
      source: z.enum(['read-model', 'workflow']),
      asOf: z.string().nullable().meta({ description: 'When the read model was last projected (read-model answers)' }),
    }),
  })
  .meta({ id: 'Case' });
export type CaseDetailView = z.infer<typeof CaseDetailView>;

/** Flags derived from a state (live answers) or taken from the search SQL (read-model answers). */
export function flagsOf(
  c: CaseRecord,
  s: CaseStateView | null,
  stored?: Partial<Record<keyof z.infer<typeof FlagsView>, boolean>>,
): z.infer<typeof FlagsView> {
  const v = s?.variables ?? {};
  return {
    mass: Boolean(stored?.mass) || v.massCase === true,
    complex:
      Boolean(stored?.complex) || v.complex === true || (typeof v.complexity === 'string' && v.complexity !== 'normal'),
    remote: c.remoteArea || Boolean(stored?.remote) || v.remoteArea === true,
    suspended: Boolean(stored?.suspended) || (s?.clocks ?? []).some((k) => k.status === 'suspended'),
    overdue: Boolean(stored?.overdue) || s?.flags.overdue === true,
    atRisk: Boolean(stored?.atRisk) || s?.flags.at_risk === true,
  };
}

/** A case started by this one's workflow, as the read model holds it. */
interface LinkedRow {
  caseId: string;
  reference: string;
  caseType: string;
  workflowId: string;
  definitionKey: string | null;
  status: string | null;
  outcome: string | null;
}

interface Extras {
  definition: { key: string; version: number; hash: string } | null;
  /** The parent case (a linked case), and the cases this one started, from the read model. */
  parent?: { caseId: string; reference: string; caseType: string } | null;
  children?: LinkedRow[];
  details: Record<string, unknown> | null;
  claims: Map<string, string>;
  documents: CaseDetailView['documents'];
  /** Rows of `case_events` (recorded events and warnings). */
  events?: CaseEventView[];
  stored?: Partial<Record<keyof z.infer<typeof FlagsView>, boolean>>;
  seq: number;
  asOf: string | null;
  source: 'read-model' | 'workflow';
}

/** Builds the case view from its record, the interpreter state (if any yet) and the extras. */
export function buildCaseView(c: CaseRecord, s: CaseStateView | null, x: Extras): CaseDetailView {
  const closed = s?.status === 'completed' || s?.status === 'cancelled' || c.status === 'closed';
  const stage = s && s.status !== 'starting' ? s.stage : c.stage;
  return {
    id: c.id,
    reference: c.reference,
    workflowId: c.workflowId,
    caseType: c.caseType,
    channel: c.channel,
    agencyId: c.agencyId,
    subject: c.subject,
    remoteArea: c.remoteArea,
    receivedAt: c.receivedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    definition: x.definition,
    details: x.details,
    stage,
    stageLabel: stageLabel(stage),
    status: closed ? 'closed' : 'open',
    outcome: s?.outcome ?? null,
    currentNodes: (s?.currentNodes ?? []).map((n) => n.nodeId),
    completedNodes: completedNodesOf(s),
    flags: flagsOf(c, s, x.stored),
    openTasks: (s?.openTasks ?? []).map((t) => ({
      id: taskApiId(c.id, t.id),
      caseId: c.id,
      taskId: t.id,
      nodeId: t.nodeId,
      name: t.name,
      nameLabel: nodeLabel(t.name),
      candidateRoles: t.candidateRoles,
      agencyScope: t.agencyScope,
      status: t.status,
      openedAt: t.openedAt,
      closedAt: t.closedAt ?? null,
      dueAt: t.dueAt ?? null,
      assignee: x.claims.get(t.id) ?? null,
      form: t.form,
    })),
    clocks: clocksOf(s),
    nextDueAt: s?.nextDueAt ?? null,
    breaches: s?.breaches ?? [],
    linkedCases: linkedCasesOf(s, x.children ?? []),
    parentCaseId: c.parentCaseId ?? null,
    parent: x.parent ? { ...x.parent, link: `/v1/cases/${x.parent.caseId}` } : null,
    documents: x.documents,
    events: eventsOf(s, x.events ?? []),
    projectionSeq: x.seq,
    consistency: { source: x.source, asOf: x.asOf },
  };
}

/** Steps passed: completed tasks and steps the history shows entered or completed, minus where tokens rest now. */
function completedNodesOf(s: CaseStateView | null): string[] {
  if (!s) return [];
  const current = new Set(s.currentNodes.map((n) => n.nodeId));
  const done = new Set<string>();
  for (const t of s.tasks ?? []) if (t.status === 'completed') done.add(t.nodeId);
  for (const e of s.history ?? []) {
    if (e.nodeId && (e.type === 'entered' || e.type === 'completed' || e.type === 'task_completed')) done.add(e.nodeId);
  }
  return [...done].filter((n) => !current.has(n));
}

/**
 * The recorded case events and warnings, plus the dated events the workflow holds that no step
 * recorded (the receipt, a date a completed form established: `accepted`), ordered by day.
 */
function eventsOf(s: CaseStateView | null, recorded: readonly CaseEventView[]): CaseEventView[] {
  const seen = new Set(recorded.filter((e) => e.kind === 'case_event').map((e) => `${e.name}@${e.on}`));
  const fromState = Object.entries(s?.caseEvents ?? {})
    .filter(([name, on]) => !seen.has(`${name}@${on}`))
    .map(([name, on]): CaseEventView => ({
      kind: 'case_event',
      name,
      on,
      nodeId: null,
      message: null,
      recordedAt: null,
    }));
  return [...recorded, ...fromState].sort(
    (a, b) => (a.on ?? '').localeCompare(b.on ?? '') || (a.recordedAt ?? '').localeCompare(b.recordedAt ?? ''),
  );
}

/** Running clocks first (by due instant, as the workflow lists them), then the stopped ones, latest last. */
function clocksOf(s: CaseStateView | null): CaseDetailView['clocks'] {
  type C = CaseDetailView['clocks'][number];
  const open = (s?.clocks ?? []).map(
    (k) => ({ ...k, state: k.status === 'suspended' ? 'suspended' : 'running', closedAt: null }) as C,
  );
  const closed = (s?.closedClocks ?? []).map(
    (k) => ({ ...k, state: k.state ?? 'stopped', closedAt: k.closedAt ?? null }) as C,
  );
  return [...open, ...closed];
}

/**
 * The linked cases: those the workflow state lists (its call activities), with their reference and
 * type from the read model, then any other case of the read model naming this one as its parent.
 */
function linkedCasesOf(s: CaseStateView | null, rows: readonly LinkedRow[]): CaseDetailView['linkedCases'] {
  const byId = new Map(rows.map((r) => [r.caseId, r]));
  const fromState = (s?.children ?? []).map((l) => ({
    caseId: l.caseId,
    workflowId: l.workflowId,
    definitionKey: l.calledKey,
    status: l.status,
    outcome: l.outcome ?? null,
    link: `/v1/cases/${l.caseId}`,
    reference: byId.get(l.caseId)?.reference ?? null,
    caseType: byId.get(l.caseId)?.caseType ?? null,
  }));
  const listed = new Set(fromState.map((l) => l.caseId));
  const onlyStored = rows
    .filter((r) => !listed.has(r.caseId))
    .map((r) => ({
      caseId: r.caseId,
      workflowId: r.workflowId,
      definitionKey: r.definitionKey ?? '',
      status: r.status ?? 'running',
      outcome: r.outcome,
      link: `/v1/cases/${r.caseId}`,
      reference: r.reference,
      caseType: r.caseType,
    }));
  return [...fromState, ...onlyStored];
}

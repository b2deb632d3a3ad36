/**
 * Store of the interpreter read model: `case_states` (latest state per case) and `case_tasks`
 * (the task inbox). Writes are idempotent by projection sequence.
 */
import { appendAudit, SYSTEM_ACTOR } from './audit.js';
import { putDerivedPin, type PinKeys } from './case-pins.js';
import { ensureLinkedCase } from './cases.js';
import { appendEvents } from './events.js';
import { announcesEvents, projectionEvents } from './projection-events.js';
import type { Db } from './knex.js';
import type { CaseStateView, ProjectCaseStateInput } from '../workflows/contract.js';

interface CaseStateRow {
  case_id: string;
  case_type: string;
  agency_id: string | null;
  pin: string;
  stage: string;
  status: string;
  outcome: string | null;
  next_due_at: Date | null;
  overdue: boolean;
  accepted_on: string | null;
  closed_at: string | null;
  state: CaseStateView;
  seq: number;
}

/** A projected case state as read back. */
export interface CaseStateRecord {
  caseId: string;
  caseType: string;
  agencyId: string | null;
  pin: string;
  stage: string;
  status: string;
  outcome: string | null;
  nextDueAt: string | null;
  overdue: boolean;
  state: CaseStateView;
  seq: number;
}

function fromRow(r: CaseStateRow): CaseStateRecord {
  return {
    caseId: r.case_id,
    caseType: r.case_type,
    agencyId: r.agency_id,
    pin: r.pin,
    stage: r.stage,
    status: r.status,
    outcome: r.outcome,
    nextDueAt: r.next_due_at ? r.next_due_at.toISOString() : null,
    overdue: r.overdue,
    state: r.state,
    seq: r.seq,
  };
}

function toRow(
  p: ProjectCaseStateInput,
): Omit<CaseStateRow, 'next_due_at' | 'state'> & { next_due_at: string | null; state: string } {
  const closing = p.state.status === 'completed' || p.state.status === 'cancelled';
  return {
    case_id: p.caseId,
    case_type: p.caseType,
    agency_id: p.agencyId ?? null,
    pin: p.state.pin,
    stage: p.state.stage,
    status: p.state.status,
    outcome: p.state.outcome ?? null,
    next_due_at: p.state.nextDueAt,
    overdue: p.state.flags.overdue === true,
    accepted_on: acceptedOn(p.state),
    closed_at: closing ? closedAt(p.state) : null,
    state: JSON.stringify(p.state),
    seq: p.seq,
  };
}

/**
 * The day the case was accepted (thụ lý: the `accepted` case event, KN 2011 Art 27, TC 2018 Art 29), when it is
 * a real calendar day; the figures filter on it (db/case-filter.ts, ADR 0030).
 */
export function acceptedOn(state: Pick<CaseStateView, 'caseEvents'>): string | null {
  const d = state.caseEvents?.accepted;
  if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return null;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d && d >= '1900-01-01' ? d : null;
}

/** When the workflow of a closed case completed or was cancelled (its history's last such event), if shown. */
export function closedAt(state: Pick<CaseStateView, 'history'>): string | null {
  for (let i = state.history.length - 1; i >= 0; i--) {
    const e = state.history[i]!;
    if (e.type === 'process_completed' || e.type === 'process_cancelled') return e.at;
  }
  return null;
}

/** A statutory deadline breach a projection showed for the first time (`due_breached` workflow event). */
export interface ProjectedBreach {
  /** Clock rule id, e.g. `K3` (null when the breached due rule has none). */
  ruleId: string | null;
  nodeId: string | null;
  /** Workflow time of the breach. */
  at: string;
}

/** What a projection did: applied or not (an equal or newer seq was already there), and the breaches it first showed. */
export interface ProjectionResult {
  applied: boolean;
  breaches: ProjectedBreach[];
}

/**
 * The agency each task scope of a case is routed to (ADR 0010), from the case's agency and the
 * agency tree: `receiving` / `resolving` → the case's agency; `parent` → the agency directly above
 * it (the superior that resolves second complaints, KN 2011 Art 7(2), and overdue denunciations,
 * TC 2018 Art 38); `inspectorate` → the state inspectorate serving it (the nearest agency marked
 * `kind = 'inspectorate'` among its own and its ancestors' children: KN 2011 Art 29, TC 2018 Art 31).
 * No parent (a province) or no inspectorate in the tree → the case's agency, so no task is lost.
 * Unknown case agency → null (read as the case's agency). One query, and only when a scope needs it.
 */
export async function resolveTaskTargets(
  trx: Db,
  agencyId: string | null,
  scopes: readonly string[],
): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {
    receiving: agencyId,
    resolving: agencyId,
    parent: agencyId,
    inspectorate: agencyId,
  };
  if (!agencyId || !scopes.some((x) => x === 'parent' || x === 'inspectorate')) return out;
  const r = await trx.raw<{ rows: Array<{ parent: string | null; inspectorate: string | null }> }>(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id, 0 AS depth FROM agencies WHERE id = ?
       UNION ALL SELECT a.id, a.parent_id, up.depth + 1 FROM agencies a JOIN up ON a.id = up.parent_id WHERE up.depth < 32
     )
     SELECT (SELECT parent_id FROM up WHERE depth = 0) AS parent,
            (SELECT i.id FROM up JOIN agencies i ON i.kind = 'inspectorate' AND (i.parent_id = up.id OR (i.id = up.id AND up.depth = 0))
             ORDER BY up.depth, (i.id = up.id) DESC, i.id LIMIT 1) AS inspectorate`,
    [agencyId],
  );
  const row = r.rows[0];
  return { ...out, parent: row?.parent ?? agencyId, inspectorate: row?.inspectorate ?? agencyId };
}

/** The case's task rows replaced by those of its projected state, each routed to its target agency (ADR 0010). */
async function replaceTasks(
  trx: Db,
  p: Pick<ProjectCaseStateInput, 'caseId' | 'agencyId' | 'state'>,
): Promise<Record<string, string | null>> {
  await trx('case_tasks').where({ case_id: p.caseId }).delete();
  const targets = await resolveTaskTargets(
    trx,
    p.agencyId ?? null,
    p.state.tasks.map((t) => t.agencyScope),
  );
  const tasks = p.state.tasks.map((t) => ({
    case_id: p.caseId,
    task_id: t.id,
    node_id: t.nodeId,
    name: t.name,
    candidate_roles: t.candidateRoles,
    agency_scope: t.agencyScope,
    target_agency_id: targets[t.agencyScope] ?? null,
    status: t.status,
    opened_at: t.openedAt,
    closed_at: t.closedAt ?? null,
    due_at: t.dueAt ?? null,
    form: JSON.stringify(t.form),
  }));
  if (tasks.length > 0) await trx('case_tasks').insert(tasks);
  return targets;
}

/**
 * Sets the case's `overdue` flag in the read model, idempotently: `case_flags` (kept if already
 * true) and the indexed `case_states.overdue` column the search filters on (when the case is
 * projected already; the projection keeps the column sticky). A deadline breach is the failure
 * to act within the statutory limit (e.g. Luật Khiếu nại 2011 Art 28; Luật Tố cáo 2018 Art 30).
 */
export async function markOverdue(trx: Db, caseId: string, idemKey: string): Promise<void> {
  await trx.raw(
    `INSERT INTO case_flags (case_id, flag, value, idem_key) VALUES (?, 'overdue', 'true'::jsonb, ?)
     ON CONFLICT (case_id, flag) DO UPDATE SET value = 'true'::jsonb, idem_key = EXCLUDED.idem_key, set_at = now()
     WHERE case_flags.value <> 'true'::jsonb`,
    [caseId, idemKey],
  );
  await trx('case_states').where({ case_id: caseId, overdue: false }).update({ overdue: true });
}

/**
 * `pinKeys`: the server keys of citizen PINs (the PII keyring). With them, a linked case created by a
 * projection gets its own citizen PIN, stored (keyed hash only) in the same transaction (ADR 0012);
 * without them (a worker not given the keyring) it gets none and the citizen follows it through the
 * parent's public look-up.
 */
export function createCaseStateStore(db: Db, opts: { pinKeys?: PinKeys | undefined } = {}) {
  const store = {
    /** Applies a projection unless a projection with the same or a higher seq was applied. */
    async project(p: ProjectCaseStateInput): Promise<boolean> {
      return (await store.projectWithBreaches(p)).applied;
    },
    /**
     * {@link project}, also answering the deadline breaches this projection shows for the first time
     * (each exactly once across retries and late projections: they are the events not yet audited).
     * A breach sets the case's `overdue` flag in the read model (`case_states.overdue`, sticky, and
     * `case_flags`), idempotently; it is cleared only when the runner's flag is explicitly false (every
     * breach was superseded by a legal event recorded late, ADR 0018). A linked case without a `cases` row gets one, derived from its
     * parent's, in the same transaction ({@link ensureLinkedCase}).
     */
    async projectWithBreaches(p: ProjectCaseStateInput): Promise<ProjectionResult> {
      return db.transaction(async (trx) => {
        // Highest workflow event already audited (from the state this projection replaces).
        const prev = await trx.raw<{ rows: Array<{ max: number | null; overdue: boolean }> }>(
          `SELECT cs.overdue, (SELECT max((e->>'seq')::int) FROM jsonb_array_elements(cs.state->'history') e) AS max
           FROM case_states cs WHERE cs.case_id = ?`,
          [p.caseId],
        );
        const auditedUpTo = prev.rows[0]?.max ?? 0;
        const wasOverdue = prev.rows[0]?.overdue === true;
        const row = toRow(p);
        const cols = Object.keys(row);
        const res = await trx.raw(
          `INSERT INTO case_states (${cols.join(', ')}, updated_at)
           VALUES (${cols.map(() => '?').join(', ')}, now())
           ON CONFLICT (case_id) DO UPDATE SET
             stage = EXCLUDED.stage, status = EXCLUDED.status, outcome = EXCLUDED.outcome, next_due_at = EXCLUDED.next_due_at,
             accepted_on = EXCLUDED.accepted_on,
             closed_at = CASE WHEN EXCLUDED.status IN ('completed', 'cancelled')
                              THEN COALESCE(case_states.closed_at, EXCLUDED.closed_at) END,
             overdue = CASE WHEN (EXCLUDED.state->'flags'->>'overdue') = 'false' THEN false ELSE case_states.overdue OR EXCLUDED.overdue END,
             state = EXCLUDED.state, seq = EXCLUDED.seq, updated_at = now()
           WHERE case_states.seq < EXCLUDED.seq`,
          Object.values(row),
        );
        if ((res as { rowCount: number }).rowCount === 0) return { applied: false, breaches: [] };
        // A linked case (started by its parent's workflow) gets its `cases` row here, once, from its parent's.
        if ((await ensureLinkedCase(trx, p)) && opts.pinKeys) {
          // Its own citizen PIN, once, with the row (ADR 0012): printed on the acceptance notice to the
          // complainant (KN 2011 Art 27; TC 2018 Art 29(3)).
          const created = await trx('cases')
            .where({ id: p.caseId })
            .first<{ reference: string } | undefined>('reference');
          if (created) await putDerivedPin(trx, opts.pinKeys, created.reference, p.caseId);
        }
        const targets = await replaceTasks(trx, p);
        // Every workflow event (clock armed/recomputed, rung, breach, escalation, task, message…) enters the
        // hash-chained audit log once, in the same transaction as the projection that first shows it.
        const fresh = p.state.history.filter((h) => h.seq > auditedUpTo);
        for (const e of fresh) {
          const legalBasis = typeof e.detail?.legalBasis === 'string' ? e.detail.legalBasis : null;
          await appendAudit(
            trx,
            {
              actor: SYSTEM_ACTOR,
              action: `workflow.${e.type}`,
              caseId: p.caseId,
              after: { seq: e.seq, at: e.at, nodeId: e.nodeId ?? null, detail: e.detail ?? null },
              legalBasis,
            },
            trx,
          );
        }
        const breaches = fresh
          .filter((e) => e.type === 'due_breached')
          .map((e) => ({
            ruleId: typeof e.detail?.ruleId === 'string' ? e.detail.ruleId : null,
            nodeId: e.nodeId ?? null,
            at: e.at,
          }));
        // The overdue flag in case_flags as well (the runner's flag is in the projected state already):
        // set once, by the first projection showing it; later ones leave the row as it is.
        if ((row.overdue && !wasOverdue) || breaches.length > 0)
          await markOverdue(trx, p.caseId, `projection:${p.seq}`);
        // Every breach superseded by a legal event recorded late (the runner's flag explicitly false, ADR 0018): not overdue.
        else if (p.state.flags.overdue === false && wasOverdue) {
          await trx('case_flags')
            .where({ case_id: p.caseId, flag: 'overdue' })
            .update({ value: JSON.stringify(false), idem_key: `projection:${p.seq}`, set_at: trx.fn.now() });
        }
        // The feed events these workflow events announce (ADR 0026), in this transaction and last: the
        // event head stays locked until the commit, after the audit chain head.
        if (announcesEvents(fresh)) {
          const c = await trx('cases').where({ id: p.caseId }).first<{ reference: string } | undefined>('reference');
          await appendEvents(trx, projectionEvents(p, fresh, c?.reference ?? null, targets));
        }
        return { applied: true, breaches };
      });
    },
    /**
     * After an admin reset of the case workflow (ADR 0017): the read model goes back to projection
     * sequence `seq` (the reset point's, so the new run's next projection applies) and, when given,
     * shows `state` (the new run's) with its tasks. Audit entries already written stay: the audit log
     * is append-only, and the reset itself is audited by the route.
     */
    async restoreProjection(
      p: Omit<ProjectCaseStateInput, 'state'> & { state?: ProjectCaseStateInput['state'] },
    ): Promise<void> {
      await db.transaction(async (trx) => {
        if (!p.state) {
          await trx('case_states').where({ case_id: p.caseId }).update({ seq: p.seq, updated_at: trx.fn.now() });
          return;
        }
        const { overdue: _sticky, ...row } = toRow(p as ProjectCaseStateInput);
        const updated = await trx('case_states')
          .where({ case_id: p.caseId })
          .update({ ...row, updated_at: trx.fn.now() });
        if (updated === 0) return;
        await replaceTasks(trx, { caseId: p.caseId, agencyId: p.agencyId, state: p.state });
      });
    },
    async get(caseId: string): Promise<CaseStateRecord | undefined> {
      const row = await db<CaseStateRow>('case_states').where({ case_id: caseId }).first();
      return row ? fromRow(row) : undefined;
    },
    /** Open tasks of a case (the inbox view). */
    async openTasks(
      caseId: string,
    ): Promise<{ taskId: string; nodeId: string; name: string; candidateRoles: string[]; dueAt: string | null }[]> {
      const rows = await db('case_tasks').where({ case_id: caseId, status: 'open' }).orderBy(['opened_at', 'task_id']);
      return rows.map(
        (r: { task_id: string; node_id: string; name: string; candidate_roles: string[]; due_at: Date | null }) => ({
          taskId: r.task_id,
          nodeId: r.node_id,
          name: r.name,
          candidateRoles: r.candidate_roles,
          dueAt: r.due_at ? r.due_at.toISOString() : null,
        }),
      );
    },
  };
  return store;
}

export type CaseStateStore = ReturnType<typeof createCaseStateStore>;

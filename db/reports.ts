/**
 * Stored reports and their versions (ADR 0032): every SQL statement of `reports` and `report_versions`.
 * Writes that change a report's state (submit, reopen, overdue) append their audit entry and outbox event
 * in the same transaction (audit head first, event head last: ADR 0026's one lock order).
 */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../workflows/engine/canonical-json.js';
import type { ReportActor, ReportKind, ReportStatus } from '../workflows/report-contract.js';
import { regimeByCircular } from '../reports/regimes.js';
import { appendAudit } from './audit.js';
import { appendEvents, registerEventType } from './events.js';
import type { Db } from './knex.js';

export const REPORT_EVENTS = {
  submitted: 'vn.kntc.report.submitted',
  overdue: 'vn.kntc.report.overdue',
  reopened: 'vn.kntc.report.reopened',
} as const;
for (const t of Object.values(REPORT_EVENTS)) registerEventType(t);

/** Free text the agency writes before submitting. */
export interface ReportSections {
  assessment?: string | undefined;
  proposals?: string | undefined;
}

export interface ReportRecord {
  id: string;
  agencyId: string;
  kind: ReportKind;
  periodKey: string;
  periodFrom: string;
  periodTo: string;
  regime: string;
  formCode: string;
  status: ReportStatus;
  dueOn: string;
  dueAt: string;
  deadline: Record<string, unknown>;
  overdue: boolean;
  escalatedAt: string | null;
  sections: ReportSections;
  currentVersion: number;
  workflowId: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReportVersionRecord {
  reportId: string;
  version: number;
  snapshot: unknown;
  sections: ReportSections | null;
  hash: string | null;
  computedAt: string;
  cause: 'scheduled' | 'reopened';
  reopenReason: string | null;
  reopenedBy: ReportActor | null;
  submittedBy: ReportActor | null;
  submittedAt: string | null;
}

type Row = Record<string, unknown>;
const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : typeof d === 'string' ? d : null);
const day = (d: unknown): string =>
  d instanceof Date
    ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    : String(d);

function fromRow(r: Row): ReportRecord {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    kind: r.kind as ReportKind,
    periodKey: r.period_key as string,
    periodFrom: day(r.period_from),
    periodTo: day(r.period_to),
    regime: r.regime as string,
    formCode: r.form_code as string,
    status: r.status as ReportStatus,
    dueOn: day(r.due_on),
    dueAt: iso(r.due_at)!,
    deadline: r.deadline as Record<string, unknown>,
    overdue: Boolean(r.overdue),
    escalatedAt: iso(r.escalated_at),
    sections: (r.sections ?? {}) as ReportSections,
    currentVersion: Number(r.current_version),
    workflowId: r.workflow_id as string,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function versionFromRow(r: Row): ReportVersionRecord {
  return {
    reportId: r.report_id as string,
    version: Number(r.version),
    snapshot: r.snapshot,
    sections: (r.sections ?? null) as ReportSections | null,
    hash: (r.hash as string | null) ?? null,
    computedAt: iso(r.computed_at)!,
    cause: r.cause as 'scheduled' | 'reopened',
    reopenReason: (r.reopen_reason as string | null) ?? null,
    reopenedBy: (r.reopened_by as ReportActor | null) ?? null,
    submittedBy: (r.submitted_by as ReportActor | null) ?? null,
    submittedAt: iso(r.submitted_at),
  };
}

/**
 * The legal basis of a report's overdue mark: the citation of the regime it is drafted under and the
 * source of its stored sending deadline (UNCONFIRMED when the deadline is configuration).
 */
export function overdueBasis(r: Record<string, unknown>): string {
  const regime = regimeByCircular(String(r.regime));
  const d = (r.deadline ?? {}) as { source?: string; confirmed?: boolean; level?: string };
  const level = d.level ? ` (${d.level})` : '';
  const unconfirmed = d.confirmed ? '' : ' (UNCONFIRMED: configuration)';
  const deadline = d.source ? `sending deadline${level}: ${d.source}${unconfirmed}` : 'sending deadline: not recorded';
  return `${regime?.citation ?? String(r.regime)}; ${deadline}`;
}
/** The frozen hash of a version: sha256 over the canonical JSON of its snapshot and sections. */
export function versionHash(snapshot: unknown, sections: ReportSections): string {
  return createHash('sha256').update(canonicalJson({ snapshot, sections })).digest('hex');
}

/** Refusals of a state change (the API maps them to 409/422 problems). */
export class ReportStateError extends Error {
  constructor(
    readonly code: 'not_found' | 'already_submitted' | 'not_submitted' | 'stale_version' | 'no_version',
    message: string,
  ) {
    super(message);
    this.name = 'ReportStateError';
  }
}

export interface NewReport {
  agencyId: string;
  kind: ReportKind;
  periodKey: string;
  periodFrom: string;
  periodTo: string;
  regime: string;
  formCode: string;
  dueOn: string;
  dueAt: string;
  deadline: Record<string, unknown>;
  workflowId: string;
}

export interface ReportListQuery {
  agencies: readonly string[];
  kind?: ReportKind | undefined;
  periodKey?: string | undefined;
  status?: ReportStatus | undefined;
  agencyId?: string | undefined;
  limit: number;
}

export function createReportStore(db: Db) {
  const store = {
    async get(id: string): Promise<ReportRecord | undefined> {
      const r = await db('reports').where({ id }).first<Row | undefined>();
      return r ? fromRow(r) : undefined;
    },

    async find(agencyId: string, kind: ReportKind, periodKey: string): Promise<ReportRecord | undefined> {
      const r = await db('reports')
        .where({ agency_id: agencyId, kind, period_key: periodKey })
        .first<Row | undefined>();
      return r ? fromRow(r) : undefined;
    },

    async list(q: ReportListQuery): Promise<ReportRecord[]> {
      const rows = await db('reports')
        .whereIn('agency_id', [...q.agencies])
        .modify((b) => {
          if (q.kind) b.where('kind', q.kind);
          if (q.periodKey) b.where('period_key', q.periodKey);
          if (q.status) b.where('status', q.status);
          if (q.agencyId) b.where('agency_id', q.agencyId);
        })
        .orderBy([
          { column: 'period_to', order: 'desc' },
          { column: 'agency_id', order: 'asc' },
          { column: 'kind', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(q.limit)
        .select<Row[]>();
      return rows.map(fromRow);
    },

    async versions(reportId: string): Promise<ReportVersionRecord[]> {
      const rows = await db('report_versions').where({ report_id: reportId }).orderBy('version').select<Row[]>();
      return rows.map(versionFromRow);
    },

    async version(reportId: string, version: number): Promise<ReportVersionRecord | undefined> {
      const r = await db('report_versions').where({ report_id: reportId, version }).first<Row | undefined>();
      return r ? versionFromRow(r) : undefined;
    },

    /** The report of (agency, kind, period), created once; a second call answers the existing one. */
    async ensure(n: NewReport): Promise<ReportRecord> {
      await db('reports')
        .insert({
          id: `rpt-${randomUUID()}`,
          agency_id: n.agencyId,
          kind: n.kind,
          period_key: n.periodKey,
          period_from: n.periodFrom,
          period_to: n.periodTo,
          regime: n.regime,
          form_code: n.formCode,
          status: 'draft',
          due_on: n.dueOn,
          due_at: n.dueAt,
          deadline: JSON.stringify(n.deadline),
          workflow_id: n.workflowId,
        })
        .onConflict(['agency_id', 'kind', 'period_key'])
        .ignore();
      return (await store.find(n.agencyId, n.kind, n.periodKey))!;
    },

    /** Adds the first (scheduled) version unless the report has one. */
    async addFirstVersion(reportId: string, snapshot: unknown): Promise<number> {
      return db.transaction(async (trx) => {
        const r = await trx('reports').where({ id: reportId }).forUpdate().first<Row>('current_version');
        if (Number(r.current_version) > 0) return Number(r.current_version);
        await trx('report_versions').insert({
          report_id: reportId,
          version: 1,
          snapshot: JSON.stringify(snapshot),
          cause: 'scheduled',
        });
        await trx('reports').where({ id: reportId }).update({ current_version: 1, updated_at: trx.fn.now() });
        return 1;
      });
    },

    /** Replaces the free-text sections of a report not submitted; answers the report, or refuses. */
    async updateSections(reportId: string, sections: ReportSections, actor: ReportActor, requestId: string | null) {
      return db.transaction(async (trx) => {
        const r = await trx('reports').where({ id: reportId }).forUpdate().first<Row | undefined>();
        if (!r) throw new ReportStateError('not_found', `Report ${reportId} not found`);
        if (r.status === 'submitted')
          throw new ReportStateError('already_submitted', 'The report is submitted: reopen it to change its text');
        const next = { ...(r.sections as ReportSections), ...sections };
        await appendAudit(
          trx,
          {
            actor,
            action: 'report.sections_updated',
            before: { reportId, sections: r.sections },
            after: { reportId, sections: next },
            requestId,
          },
          trx,
        );
        const [row] = await trx('reports')
          .where({ id: reportId })
          .update({
            sections: JSON.stringify(next),
            status: r.status === 'draft' ? 'in_review' : r.status,
            updated_at: trx.fn.now(),
          })
          .returning<Row[]>('*');
        return fromRow(row!);
      });
    },

    /**
     * Freezes the current version: the sections copied into it, its hash, who and when; the report is
     * `submitted`; the hash goes to the audit log and `report.submitted` to the outbox. A report already
     * submitted answers its frozen version (a retried activity submits once).
     */
    async submit(p: { reportId: string; actor: ReportActor; version?: number | undefined; requestId?: string | null }) {
      return db.transaction(async (trx) => {
        const r = await trx('reports').where({ id: p.reportId }).forUpdate().first<Row | undefined>();
        if (!r) throw new ReportStateError('not_found', `Report ${p.reportId} not found`);
        const current = Number(r.current_version);
        if (current === 0) throw new ReportStateError('no_version', 'The report has no computed version yet');
        const v = await trx('report_versions').where({ report_id: p.reportId, version: current }).first<Row>();
        if (r.status === 'submitted' || v.submitted_at) {
          return { reportId: p.reportId, version: current, hash: v.hash as string, submittedAt: iso(v.submitted_at)! };
        }
        if (p.version !== undefined && p.version !== current)
          throw new ReportStateError('stale_version', `Version ${p.version} is not the current version (${current})`);
        const sections = (r.sections ?? {}) as ReportSections;
        const hash = versionHash(v.snapshot, sections);
        const entry = await appendAudit(
          trx,
          {
            actor: p.actor,
            action: 'report.submitted',
            after: {
              reportId: p.reportId,
              agencyId: r.agency_id,
              kind: r.kind,
              period: r.period_key,
              version: current,
              sha256: hash,
              overdue: r.overdue,
            },
            requestId: p.requestId ?? null,
          },
          trx,
        );
        const submittedAt = entry.at;
        await trx('report_versions')
          .where({ report_id: p.reportId, version: current })
          .update({
            sections: JSON.stringify(sections),
            hash,
            submitted_by: JSON.stringify(p.actor),
            submitted_at: submittedAt,
          });
        await trx('reports').where({ id: p.reportId }).update({ status: 'submitted', updated_at: trx.fn.now() });
        await appendEvents(trx, [
          {
            type: REPORT_EVENTS.submitted,
            caseId: null,
            agencyId: r.agency_id as string,
            time: submittedAt,
            data: {
              reportId: p.reportId,
              kind: r.kind,
              period: r.period_key,
              version: current,
              sha256: hash,
              late: r.overdue,
            },
          },
        ]);
        return { reportId: p.reportId, version: current, hash, submittedAt };
      });
    },

    /**
     * Reopens a submitted report with a reason: a new draft version (the snapshot recomputed now); the
     * submitted versions stay as they were. Audited with the reason. A retry after the reopening
     * answers the version it added (`afterVersion`: the version that was submitted).
     */
    async reopen(p: {
      reportId: string;
      actor: ReportActor;
      reason: string;
      snapshot: unknown;
      afterVersion: number;
      requestId?: string | null;
    }): Promise<{ reportId: string; version: number }> {
      return db.transaction(async (trx) => {
        const r = await trx('reports').where({ id: p.reportId }).forUpdate().first<Row | undefined>();
        if (!r) throw new ReportStateError('not_found', `Report ${p.reportId} not found`);
        const current = Number(r.current_version);
        if (current > p.afterVersion) return { reportId: p.reportId, version: current };
        if (r.status !== 'submitted')
          throw new ReportStateError('not_submitted', 'Only a submitted report is reopened');
        const version = current + 1;
        await appendAudit(
          trx,
          {
            actor: p.actor,
            action: 'report.reopened',
            before: { reportId: p.reportId, version: current, status: 'submitted' },
            after: { reportId: p.reportId, version, status: 'reopened', reason: p.reason },
            requestId: p.requestId ?? null,
          },
          trx,
        );
        await trx('report_versions').insert({
          report_id: p.reportId,
          version,
          snapshot: JSON.stringify(p.snapshot),
          cause: 'reopened',
          reopen_reason: p.reason,
          reopened_by: JSON.stringify(p.actor),
        });
        await trx('reports')
          .where({ id: p.reportId })
          .update({ status: 'reopened', current_version: version, updated_at: trx.fn.now() });
        await appendEvents(trx, [
          {
            type: REPORT_EVENTS.reopened,
            caseId: null,
            agencyId: r.agency_id as string,
            time: new Date().toISOString(),
            data: { reportId: p.reportId, kind: r.kind, period: r.period_key, version },
          },
        ]);
        return { reportId: p.reportId, version };
      });
    },

    /** Reports still waiting for their first submission and not escalated: their sending deadline can move. */
    async awaitingFirstSubmission(): Promise<ReportRecord[]> {
      const rows = await db('reports')
        .whereIn('status', ['draft', 'in_review'])
        .whereNull('escalated_at')
        .orderBy('id')
        .select<Row[]>('*');
      return rows.map(fromRow);
    },

    /**
     * Moves the sending deadline of a report not submitted nor escalated (a calendar change, ADR 0032): the new
     * day, instant and derivation, audited `report.deadline_changed` with the old and new deadline in the same
     * transaction. Answers whether it moved (false: unchanged, submitted or escalated meanwhile).
     */
    async moveDeadline(
      reportId: string,
      next: { dueOn: string; dueAt: string; deadline: Record<string, unknown> },
      cause: { entryId: string; version: string; reason: string },
    ): Promise<boolean> {
      return db.transaction(async (trx) => {
        const r = await trx('reports').where({ id: reportId }).forUpdate().first<Row | undefined>();
        if (!r || r.escalated_at || (r.status !== 'draft' && r.status !== 'in_review')) return false;
        if (Date.parse(iso(r.due_at)!) === Date.parse(next.dueAt)) return false;
        await appendAudit(
          trx,
          {
            actor: { type: 'system', id: 'kntc-flow', agency: null },
            action: 'report.deadline_changed',
            before: { reportId, dueOn: day(r.due_on), dueAt: iso(r.due_at) },
            after: {
              reportId,
              agencyId: r.agency_id,
              dueOn: next.dueOn,
              dueAt: next.dueAt,
              calendarEntry: cause.entryId,
              calendar: cause.version,
            },
            legalBasis: `BLDS 2015 Art 148(5) (a deadline on a day off moves to the next working day); ${cause.reason}`,
          },
          trx,
        );
        await trx('reports')
          .where({ id: reportId })
          .update({
            due_on: next.dueOn,
            due_at: next.dueAt,
            deadline: JSON.stringify(next.deadline),
            updated_at: trx.fn.now(),
          });
        return true;
      });
    },

    /**
     * Marks a report not submitted by its deadline overdue, once: audit entry and `report.overdue`.
     * Answers whether this call marked it (false: already marked, or submitted meanwhile; `notDue`: its stored
     * deadline is still ahead — moved later — and nothing is written).
     */
    async markOverdue(
      reportId: string,
      opts: { refuseBeforeDue: boolean } = { refuseBeforeDue: true },
    ): Promise<{ marked: boolean; notDue?: boolean; report: ReportRecord }> {
      return db.transaction(async (trx) => {
        const r = await trx('reports')
          .where({ id: reportId })
          .forUpdate()
          .first<Row & { not_due: boolean }>('*', trx.raw('due_at > now() AS not_due'));
        if (r.escalated_at || r.status === 'submitted') return { marked: false, report: fromRow(r) };
        // A deadline moved later (a calendar change) whose signal the workflow has not seen yet: not overdue.
        if (r.not_due && opts.refuseBeforeDue) return { marked: false, notDue: true, report: fromRow(r) };
        await appendAudit(
          trx,
          {
            actor: { type: 'system', id: 'kntc-flow', agency: null },
            action: 'report.overdue',
            after: { reportId, agencyId: r.agency_id, kind: r.kind, period: r.period_key, dueAt: iso(r.due_at) },
            legalBasis: overdueBasis(r),
          },
          trx,
        );
        const [row] = await trx('reports')
          .where({ id: reportId })
          .update({ overdue: true, escalated_at: trx.fn.now(), updated_at: trx.fn.now() })
          .returning<Row[]>('*');
        await appendEvents(trx, [
          {
            type: REPORT_EVENTS.overdue,
            caseId: null,
            agencyId: r.agency_id as string,
            time: new Date().toISOString(),
            data: { reportId, kind: r.kind, period: r.period_key, dueAt: iso(r.due_at) },
          },
        ]);
        return { marked: true, report: fromRow(row!) };
      });
    },

    /**
     * Reports of the same kind and period of `agencyIds`, each with its last submitted version (one query:
     * DISTINCT ON the report, the highest submitted version first).
     */
    async submittedOf(
      agencyIds: readonly string[],
      kind: ReportKind,
      periodKey: string,
    ): Promise<Array<{ report: ReportRecord; submitted: ReportVersionRecord | null }>> {
      if (agencyIds.length === 0) return [];
      const cols = ['version', 'snapshot', 'sections', 'hash', 'computed_at', 'cause', 'reopen_reason', 'reopened_by'];
      const rows = await db('reports as r')
        .leftJoin('report_versions as v', (j) => j.on('v.report_id', 'r.id').andOnNotNull('v.submitted_at'))
        .whereIn('r.agency_id', [...agencyIds])
        .where({ 'r.kind': kind, 'r.period_key': periodKey })
        .distinctOn('r.id')
        .orderBy([
          { column: 'r.id', order: 'asc' },
          { column: 'v.version', order: 'desc', nulls: 'last' },
        ])
        .select<Row[]>(
          'r.*',
          ...[...cols, 'submitted_by', 'submitted_at'].map((c) => `v.${c} as v_${c}`),
          'v.report_id as v_report_id',
        );
      return rows.map((r) => {
        const v = Object.fromEntries(
          Object.entries(r)
            .filter(([k]) => k.startsWith('v_'))
            .map(([k, x]) => [k.slice(2), x]),
        );
        return { report: fromRow(r), submitted: v.report_id ? versionFromRow(v) : null };
      });
    },

    /** Open agencies directly below `agencyId` (who report to it). */
    async childAgencies(agencyId: string): Promise<Array<{ id: string; name: string; level: string }>> {
      return db('agencies')
        .where({ parent_id: agencyId })
        .whereNull('closed_at')
        .orderBy('id')
        .select<Array<{ id: string; name: string; level: string }>>('id', 'name', 'level');
    },

    /** Every open agency with its level (who reports). */
    async reportingAgencies(): Promise<Array<{ id: string; level: string }>> {
      return db('agencies')
        .whereNull('closed_at')
        .orderBy('id')
        .select<Array<{ id: string; level: string }>>('id', 'level');
    },
  };
  return store;
}

export type ReportStore = ReturnType<typeof createReportStore>;

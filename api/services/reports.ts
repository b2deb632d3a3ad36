/**
 * Stored reports for the API (ADR 0032): reading reports and versions, the free-text sections, submit and
 * reopen (Updates of the report's workflow, which freezes or adds a version through its activities), the
 * export of a version (the engine's renderers, through activities/report-engine.ts) and the consolidation
 * of the reports of the agencies directly below (their submitted snapshots summed, not recomputed).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from '../../db/knex.js';
import { createReportStore, ReportStateError, type ReportRecord, type ReportSections } from '../../db/reports.js';
import {
  consolidatePeriodic,
  renderVersion,
  sumSnapshots,
  type ExportFormat,
  type ReportBundle,
} from '../../activities/report-engine.js';
import {
  reopenReport,
  REOPENABLE_DAYS,
  submitReport,
  type ReportActor,
  type ReopenReportResult,
  type SubmitReportResult,
} from '../../workflows/report-contract.js';
import { HttpProblem, problems } from '../problem.js';
import { sendCaseUpdate, updateProblem } from '../workflow-errors.js';

export function createReportService(deps: { db: Db; temporal: Client }) {
  const store = createReportStore(deps.db);

  function stateProblem(e: unknown): unknown {
    if (e instanceof ReportStateError) {
      return new HttpProblem(409, 'report-state', 'The report refused the request in its current state', e.message, {
        reason: e.code,
      });
    }
    return e;
  }

  async function update<T>(r: ReportRecord, run: () => Promise<T>): Promise<T> {
    try {
      return await sendCaseUpdate(run);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError)
        throw new HttpProblem(
          409,
          'report-state',
          'The report refused the request in its current state',
          `The report's workflow ${r.workflowId} is not running (closed ${REOPENABLE_DAYS} days after its last submission)`,
          { reason: 'WorkflowClosed' },
        );
      const p = updateProblem(e);
      if (p instanceof HttpProblem && p.slug === 'rejected-by-case') {
        throw new HttpProblem(
          p.status,
          'report-state',
          'The report refused the request in its current state',
          p.detail,
          p.extra,
        );
      }
      throw p;
    }
  }

  /** An Update of the report's workflow, its refusals as the report's 409 problems. */
  function send<R, A>(r: ReportRecord, def: UpdateDefinition<R, [A]>, arg: A, updateId: string): Promise<R> {
    return update(r, () =>
      deps.temporal.workflow.getHandle(r.workflowId).executeUpdate(def, { args: [arg], updateId }),
    );
  }

  return {
    store,
    get: (id: string) => store.get(id),
    list: store.list,
    versions: store.versions,
    version: store.version,

    async updateSections(r: ReportRecord, sections: ReportSections, actor: ReportActor, requestId: string) {
      try {
        return await store.updateSections(r.id, sections, actor, requestId);
      } catch (e) {
        throw stateProblem(e);
      }
    },

    /** Submits: the Update `submitReport` of the report's workflow (it freezes the current version). */
    submit: (
      r: ReportRecord,
      req: { actor: ReportActor; version?: number | undefined; requestId: string; updateId: string },
    ): Promise<SubmitReportResult> =>
      send(r, submitReport, { actor: req.actor, version: req.version, requestId: req.requestId }, req.updateId),

    /** Reopens: the Update `reopenReport` of the report's workflow (it adds a new draft version). */
    reopen: (
      r: ReportRecord,
      req: { actor: ReportActor; reason: string; requestId: string; updateId: string },
    ): Promise<ReopenReportResult> =>
      send(r, reopenReport, { actor: req.actor, reason: req.reason, requestId: req.requestId }, req.updateId),

    /** A version rendered: the form `formCode` (default: the first) in `format`. */
    async export(r: ReportRecord, version: number, format: ExportFormat, formCode?: string) {
      const v = await store.version(r.id, version);
      if (!v) throw problems.notFound(`Version ${version} of report ${r.id}`);
      const bundle = v.snapshot as ReportBundle;
      const snapshot = formCode ? bundle.forms.find((f) => f.form.code === formCode) : bundle.forms[0];
      if (!snapshot)
        throw problems.validation([
          {
            path: 'query.form',
            message: `the version has no form ${formCode}; it has ${bundle.forms.map((f) => f.form.code).join(', ')}`,
          },
        ]);
      return renderVersion(format, snapshot);
    },

    /**
     * The consolidation of a report: the reports of the same kind and period of the agencies directly
     * below, submitted ones summed (their last submitted version, frozen), the others listed; with the
     * report's own current version added (`includesOwn`).
     */
    async consolidation(r: ReportRecord) {
      const children = await store.childAgencies(r.agencyId);
      const theirs = await store.submittedOf(
        children.map((c) => c.id),
        r.kind,
        r.periodKey,
      );
      const submitted = theirs.filter((t) => t.report.status === 'submitted' && t.submitted);
      const own = await store.version(r.id, r.currentVersion);
      const nameOf = new Map(children.map((c) => [c.id, c.name]));
      // A periodic report: the regime's forms, own records plus each unit's submitted total, rules checked.
      const periodic =
        r.kind === 'monthly'
          ? undefined
          : consolidatePeriodic(
              own?.snapshot as ReportBundle | undefined,
              submitted.map((t) => ({
                agencyId: t.report.agencyId,
                name: nameOf.get(t.report.agencyId) ?? t.report.agencyId,
                bundle: t.submitted!.snapshot as ReportBundle,
              })),
            );
      const bundles: ReportBundle[] = [
        ...(own ? [own.snapshot as ReportBundle] : []),
        ...submitted.map((t) => t.submitted!.snapshot as ReportBundle),
      ];
      const codes: Array<{ code: string; title: string }> = [];
      for (const b of bundles)
        for (const f of b.forms) if (!codes.some((c) => c.code === f.form.code)) codes.push(f.form);
      return {
        reportId: r.id,
        agencyId: r.agencyId,
        kind: r.kind,
        period: r.periodKey,
        includesOwn: own !== undefined,
        submitted: submitted.map((t) => ({
          agencyId: t.report.agencyId,
          reportId: t.report.id,
          version: t.submitted!.version,
          sha256: t.submitted!.hash!,
          submittedAt: t.submitted!.submittedAt!,
        })),
        notSubmitted: children
          .filter((c) => !submitted.some((t) => t.report.agencyId === c.id))
          .map((c) => {
            const t = theirs.find((x) => x.report.agencyId === c.id);
            return {
              agencyId: c.id,
              name: c.name,
              reportId: t?.report.id ?? null,
              status: t?.report.status ?? null,
              overdue: t?.report.overdue ?? false,
            };
          }),
        forms:
          periodic?.map((f) => ({ code: f.form.code, title: f.form.title, rows: f.rows, checks: f.checks })) ??
          codes.map((c) => ({
            code: c.code,
            title: c.title,
            rows: sumSnapshots(bundles.flatMap((b) => b.forms.filter((f) => f.form.code === c.code))),
          })),
      };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;

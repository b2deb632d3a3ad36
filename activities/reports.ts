/**
 * Activities of the report lifecycle (workflows/report.ts, ADR 0032): the draft at the end of the data
 * period (report row, sending deadline on the agency calendar, first computed version), the freeze on
 * submission, the new version on reopening, and the escalation of a late report — audit entry, outbox
 * event and a message to the supervising agency's head through the notification delivery (ADR 0025).
 * Each is idempotent under retries.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { calendarServiceFor } from '../calendar/service.js';
import type { Db } from '../db/knex.js';
import { createReportStore, ReportStateError, type ReportRecord } from '../db/reports.js';
import { addDays, computeDeadline } from '../workflows/clock/index.js';
import type { DeliveryRetry } from '../workflows/notification-contract.js';
import { regimeByCircular, selectRegime, sendingDeadline } from '../reports/regimes.js';
import type { RegimeVersion } from '../reports/types.js';
import {
  enginePeriodKind,
  formCodeOf,
  parsePeriodKey,
  reportPeriod,
  reportWorkflowId,
  type AgencyLevel,
  type ReopenReportInput,
  type ReportKind,
  type ReportToDraft,
  type SubmitReportInput,
} from '../workflows/report-contract.js';
import { channelsEnabled, deliveryRows, type ResolveRecipients } from './notifications.js';
import { computeBundle, computePeriodicBundle } from './report-engine.js';

export interface ReportActivityDeps {
  db: Db;
  logger: Logger;
  /** Notification delivery (ADR 0025); unset: the escalation is audited and announced, no message. */
  notifications?:
    | {
        resolveRecipients: ResolveRecipients;
        publicBaseUrl: string;
        retry: DeliveryRetry;
        email?: unknown;
        sms?: unknown;
      }
    | undefined;
}

export interface DraftedReport {
  reportId: string;
  version: number;
  status: ReportRecord['status'];
  dueAt: string;
  escalated: boolean;
}

function failureOf(e: unknown): never {
  if (e instanceof ReportStateError) throw ApplicationFailure.nonRetryable(e.message, `Report.${e.code}`);
  throw e;
}

export function createReportActivities(deps: ReportActivityDeps) {
  const { db, logger } = deps;
  const reports = createReportStore(db);
  const calendar = calendarServiceFor(db);

  async function levelOf(agencyId: string): Promise<AgencyLevel> {
    const a = await db('agencies').where({ id: agencyId }).first<{ level: AgencyLevel } | undefined>('level');
    if (!a) throw ApplicationFailure.nonRetryable(`Agency ${agencyId} not found`, 'Report.agency_not_found');
    return a.level;
  }

  /**
   * The sending deadline of a report: the configured day of the level under the regime, rolled forward off a rest
   * day or holiday of the public-agency calendar as it is now (BLDS 2015 Art 148(5)), with its derivation.
   */
  async function deadlineOf(level: AgencyLevel, kind: ReportKind, year: number, index: number, regime: RegimeVersion) {
    const rule = sendingDeadline(enginePeriodKind(kind), year, index, level, regime);
    if (!rule)
      throw ApplicationFailure.nonRetryable(
        `No sending deadline for level ${level} under ${regime.circular}`,
        'Report.no_deadline',
      );
    const cal = await calendar.snapshot(addDays(rule.on, -31), addDays(rule.on, 60));
    const d = computeDeadline(
      { start: addDays(rule.on, -1), amount: 1, unit: 'calendar_days', startLabel: 'Ngày trước hạn gửi' },
      cal,
    );
    return {
      dueOn: d.due,
      dueAt: d.dueAt,
      deadline: {
        level,
        configuredOn: rule.on,
        source: rule.source,
        confirmed: rule.confirmed,
        calendarVersion: d.calendarVersion,
        derivation: d.derivation,
      } as Record<string, unknown>,
    };
  }

  async function snapshotOf(
    r: Pick<ReportRecord, 'agencyId' | 'kind' | 'formCode' | 'periodKey' | 'regime'>,
    year: number,
    index: number,
  ) {
    const period = reportPeriod(r.kind, year, index);
    // A periodic report: the regime's ten forms over the agency's subtree (issue 16 item 4).
    if (r.kind !== 'monthly') return computePeriodicBundle(db, { agencyId: r.agencyId, period, regime: r.regime });
    return computeBundle(db, {
      formCodes: [r.formCode],
      at: period.to,
      agencyId: r.agencyId,
      agencies: [r.agencyId],
      period,
      regime: r.regime,
    });
  }

  return {
    /** Agencies that report (open ones), for the drafting fan-out. */
    async reportingAgencies(): Promise<string[]> {
      return (await reports.reportingAgencies()).map((a) => a.id);
    },

    /**
     * The reports of `periods` not drafted yet (no report row) for every open agency (or `agencies`):
     * what the daily drafting starts. One query for the reports that exist.
     */
    async reportsToDraft(p: { periods: Array<Omit<ReportToDraft, 'agencyId'>>; agencies?: string[] }) {
      const agencies = p.agencies ?? (await reports.reportingAgencies()).map((a) => a.id);
      if (agencies.length === 0 || p.periods.length === 0) return [];
      const have = await db('reports')
        .whereIn('agency_id', agencies)
        .whereIn(
          'period_key',
          p.periods.map((x) => x.key),
        )
        .select<Array<{ agency_id: string; kind: string; period_key: string }>>('agency_id', 'kind', 'period_key');
      const drafted = new Set(have.map((h) => `${h.agency_id}|${h.kind}|${h.period_key}`));
      return agencies.flatMap((agencyId) =>
        p.periods
          .filter((x) => !drafted.has(`${agencyId}|${x.kind}|${x.key}`))
          .map((x): ReportToDraft => ({ ...x, agencyId })),
      );
    },

    /**
     * The report of (agency, kind, period): created once with its sending deadline (working days after
     * the period's last day on the agency calendar) and its first computed version.
     */
    async draftReport(input: {
      agencyId: string;
      kind: ReportKind;
      year: number;
      index: number;
    }): Promise<DraftedReport> {
      const period = reportPeriod(input.kind, input.year, input.index);
      let report = await reports.find(input.agencyId, input.kind, period.key);
      if (!report) {
        const level = await levelOf(input.agencyId);
        // The regime of the agency's level in force on the period's last day (02/2025 governs communes).
        const regime = selectRegime(period.to, level === 'commune' ? 'commune' : 'national');
        const d = await deadlineOf(level, input.kind, input.year, period.index, regime);
        report = await reports.ensure({
          agencyId: input.agencyId,
          kind: input.kind,
          periodKey: period.key,
          periodFrom: period.from,
          periodTo: period.to,
          regime: regime.circular,
          formCode: formCodeOf(input.kind),
          dueOn: d.dueOn,
          dueAt: d.dueAt,
          deadline: d.deadline,
          workflowId: reportWorkflowId(input.agencyId, input.kind, period.key),
        });
      }
      let version = report.currentVersion;
      if (version === 0) {
        const snapshot = await snapshotOf(report, input.year, input.index);
        version = await reports.addFirstVersion(report.id, snapshot);
        logger.info({ reportId: report.id, kind: input.kind, period: period.key }, 'report drafted');
      }
      const fresh = (await reports.get(report.id))!;
      return {
        reportId: fresh.id,
        version,
        status: fresh.status,
        dueAt: fresh.dueAt,
        escalated: fresh.escalatedAt !== null,
      };
    },

    /** Freezes the current version (ReportStore.submit). */
    async freezeReport(p: SubmitReportInput & { reportId: string }) {
      try {
        return await reports.submit({
          reportId: p.reportId,
          actor: p.actor,
          version: p.version,
          requestId: p.requestId ?? null,
        });
      } catch (e) {
        return failureOf(e);
      }
    },

    /** Reopens a submitted report: a new draft version computed now (ReportStore.reopen). */
    async reopenReportVersion(p: ReopenReportInput & { reportId: string; afterVersion: number }) {
      const r = await reports.get(p.reportId);
      if (!r) throw ApplicationFailure.nonRetryable(`Report ${p.reportId} not found`, 'Report.not_found');
      const period = parsePeriodKey(r.periodKey);
      if (!period)
        throw ApplicationFailure.nonRetryable(`Report ${r.id}: period ${r.periodKey} is not one`, 'Report.bad_period');
      const snapshot = await snapshotOf(r, period.year, period.index);
      try {
        return await reports.reopen({
          reportId: p.reportId,
          actor: p.actor,
          reason: p.reason,
          snapshot,
          afterVersion: p.afterVersion,
          requestId: p.requestId ?? null,
        });
      } catch (e) {
        return failureOf(e);
      }
    },

    /**
     * A calendar change (a holiday added or withdrawn): the sending deadline of every report still waiting for its
     * first submission, not escalated, is computed again on the calendar as it is now and moved when it differs
     * (audited). Answers the workflows of the reports this change moved (in this attempt or an earlier one of
     * it), for the calendar fan-out to signal
     * (`reportDeadlineChanged`). Submitted, reopened and escalated reports keep theirs. Idempotent.
     */
    async recomputeReportDeadlines(p: {
      change: { entryId: string; version: string; reason: string };
    }): Promise<Array<{ reportId: string; workflowId: string; dueAt: string }>> {
      const moved: Array<{ reportId: string; workflowId: string; dueAt: string }> = [];
      const unchanged: Array<{ reportId: string; workflowId: string; dueAt: string }> = [];
      for (const r of await reports.awaitingFirstSubmission()) {
        const period = parsePeriodKey(r.periodKey);
        const regime = regimeByCircular(r.regime);
        const level = (r.deadline as { level?: AgencyLevel }).level ?? (await levelOf(r.agencyId));
        if (!period || !regime) continue;
        const d = await deadlineOf(level, r.kind, period.year, period.index, regime);
        const one = { reportId: r.id, workflowId: r.workflowId, dueAt: d.dueAt };
        if (await reports.moveDeadline(r.id, d, p.change)) moved.push(one);
        else unchanged.push(one);
      }
      // Idempotent answer: a retried attempt (an earlier one moved deadlines, then timed out) answers the reports
      // this change moved before too (their audit entry names it), so each is signalled; a second signal is harmless.
      if (unchanged.length > 0) {
        const before = new Set(
          (
            await db('audit_log')
              .where({ action: 'report.deadline_changed' })
              .whereRaw(`after->>'calendarEntry' = ? AND after->>'calendar' = ?`, [p.change.entryId, p.change.version])
              .whereRaw(`after->>'reportId' = ANY(?::text[])`, [unchanged.map((u) => u.reportId)])
              .select<Array<{ id: string }>>(db.raw(`after->>'reportId' AS id`))
          ).map((x) => x.id),
        );
        moved.push(...unchanged.filter((u) => before.has(u.reportId)));
      }
      if (moved.length > 0) logger.info({ reports: moved.length, entry: p.change.entryId }, 'report deadlines moved');
      return moved;
    },

    /** The report's sending deadline as stored (the workflow re-arms its timer on it after a calendar change). */
    async reportDeadline(p: { reportId: string }): Promise<{ dueAt: string }> {
      const r = await reports.get(p.reportId);
      if (!r) throw ApplicationFailure.nonRetryable(`Report ${p.reportId} not found`, 'Report.not_found');
      return { dueAt: r.dueAt };
    },

    /**
     * The sending deadline passed without a submission: the report is marked overdue (audit entry,
     * `report.overdue`), and the head of the agency above is sent a message (ADR 0025 deliveries; the
     * ids are answered for the workflow to deliver). Idempotent: a retry writes nothing twice.
     */
    async escalateOverdueReport(p: {
      reportId: string;
      /**
       * Refuse before the stored deadline (answering `notDueUntil`): asked by workflows that re-read the deadline and
       * re-arm their timer on it (`kntc-report-deadline-recheck-v1`). A workflow started before the calendar patch
       * neither re-reads nor re-arms: it escalates when its timer fires, as it always did (never not at all).
       */
      refuseBeforeDue?: boolean;
    }): Promise<{ marked: boolean; deliveries: string[]; retry: DeliveryRetry | null; notDueUntil?: string }> {
      const { marked, notDue, report } = await reports.markOverdue(p.reportId, {
        refuseBeforeDue: p.refuseBeforeDue === true,
      });
      // Its deadline moved later meanwhile: nothing marked nor sent; the workflow re-arms its timer on it.
      if (notDue) return { marked: false, deliveries: [], retry: null, notDueUntil: report.dueAt };
      const n = deps.notifications;
      if (!n || report.status === 'submitted') return { marked, deliveries: [], retry: null };
      const notificationId = `rptntf-${report.id}-overdue`;
      const existing = await db('notification_deliveries')
        .where({ notification_id: notificationId })
        .select<Array<{ id: string; status: string }>>('id', 'status');
      if (existing.length === 0) {
        const people = await n.resolveRecipients(db, {
          agencyId: report.agencyId,
          to: ['higher_agency_head'],
          kind: 'report_overdue',
        });
        const agency = await db('agencies').where({ id: report.agencyId }).first<{ name: string }>('name');
        const link = `${n.publicBaseUrl.replace(/\/+$/, '')}/v1/reports/${report.id}`;
        const rows = deliveryRows(
          people,
          channelsEnabled(n),
          { notificationId, subject: { kind: 'report', id: report.id } },
          {
            kind: 'report_overdue',
            reference: report.periodKey,
            step: null,
            dueAt: report.dueAt,
            link,
            agencyName: agency?.name ?? report.agencyId,
          },
        );
        if (rows.length === 0) logger.warn({ reportId: report.id }, 'overdue report: nobody above to notify');
        else
          await db('notification_deliveries')
            .insert(rows)
            .onConflict(['notification_id', 'person_id', 'channel'])
            .ignore();
      }
      const queued = await db('notification_deliveries')
        .where({ notification_id: notificationId, status: 'queued' })
        .orderBy('id')
        .select<Array<{ id: string }>>('id');
      return { marked, deliveries: queued.map((d) => d.id), retry: n.retry };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;

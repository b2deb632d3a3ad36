/**
 * Activities of the interpreter workflow: calendar snapshots, definition resolution for call
 * activities, the case-state projection, and a few generic, idempotent service-task activities.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { buildCalendar, type CalendarEntry } from '../calendar/index.js';
import type { PinKeys } from '../db/case-pins.js';
import { appendAuditOnce } from '../db/audit-once.js';
import { createCaseStateStore, type ProjectionResult } from '../db/case-states.js';
import { classifyProjectionError, createProjectionFailureStore } from '../db/projection-failures.js';
import type { Db } from '../db/knex.js';
import { recordDeadlineBreach, recordProjectionFailure, recordProjectionLag } from '../platform/metrics.js';
import { EXAMPLE_DEFINITIONS } from '../processes/examples/index.js';
import type { CalendarSnapshot } from '../workflows/clock/index.js';
import { sanitizeJsonText } from '../workflows/text-check.js';
import type { ProcessInput, ProjectCaseStateInput, ServiceTaskContext } from '../workflows/contract.js';
import {
  formatPin,
  latestEffective,
  pinDefinition,
  validateDefinition,
  type JsonValue,
  type ProcessDefinitionInput,
} from '../workflows/engine/index.js';

/** The activity's logger (the worker's), or none outside an activity (direct calls in tests). */
function activityLog(): { error(message: string, meta?: Record<string, unknown>): void } | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined;
  }
}

/**
 * When the projected state changed: the activity's first scheduling by the workflow (retries
 * included in the lag); outside an activity (direct calls), the latest workflow event's time.
 */
function changedAt(p: ProjectCaseStateInput): number | undefined {
  try {
    return Context.current().info.scheduledTimestampMs;
  } catch {
    const last = p.state.history[p.state.history.length - 1];
    const ms = last ? Date.parse(last.at) : NaN;
    return Number.isFinite(ms) ? ms : undefined;
  }
}

export interface ProcessActivityDeps {
  db: Db;
  /** Announced calendar entries (admin table); default: the seed announcements. */
  calendarEntries?: () => Promise<readonly CalendarEntry[]>;
  /** Registered definitions call activities may start; default: processes/examples. */
  definitions?: () => Promise<readonly ProcessDefinitionInput[]>;
  /** Citizen PIN keys (the PII keyring): a linked case gets its own PIN when its row is projected (ADR 0012). */
  pinKeys?: PinKeys | undefined;
}

/** A definition resolved for a new (linked) case, with its pin. */
export interface ResolvedDefinition {
  definition: ProcessInput['definition'];
  pin: ProcessInput['pin'];
}

/** Generic service-task activities: `(mapped input, context) -> result`, idempotent by context. */
export function createGenericActivities() {
  return {
    /** Does nothing (tests, placeholders in drafts). */
    async noop(_input: Record<string, JsonValue>, _ctx?: ServiceTaskContext): Promise<Record<string, never>> {
      return {};
    },
    /** Returns its input (tests, output mappings). */
    async echo(input: Record<string, JsonValue>, _ctx?: ServiceTaskContext): Promise<Record<string, JsonValue>> {
      return input;
    },
    /** One step of the benchmark: increments a counter. */
    async benchStep(
      input: { step?: JsonValue; counter?: JsonValue },
      _ctx?: ServiceTaskContext,
    ): Promise<{ counter: number }> {
      return { counter: Number(input.counter ?? 0) + 1 };
    },
    /** Registers a document of the case; the id is derived from the case and token, so retries return the same id. */
    async recordDocument(
      input: Record<string, JsonValue>,
      ctx?: ServiceTaskContext,
    ): Promise<{ documentId: string; kind: JsonValue }> {
      return { documentId: `doc-${ctx?.caseId ?? 'x'}-${ctx?.tokenId ?? 'x'}`, kind: input.kind ?? null };
    },
    /** Queues a notification (delivery is out of scope here); idempotent by case and token. */
    async notify(
      input: Record<string, JsonValue>,
      ctx?: ServiceTaskContext,
    ): Promise<{ notificationId: string; to: JsonValue }> {
      return { notificationId: `ntf-${ctx?.caseId ?? 'x'}-${ctx?.tokenId ?? 'x'}`, to: input.to ?? null };
    },
  };
}

export function createProcessActivities(deps: ProcessActivityDeps) {
  const states = createCaseStateStore(deps.db, { pinKeys: deps.pinKeys });
  const failures = createProjectionFailureStore(deps.db);
  /**
   * ADR 0016: a projection PostgreSQL refused. Transient → a retryable failure whose message names only
   * the reason and SQLSTATE (a database error may quote the data). Refused data (a NUL, a lone surrogate,
   * text of another type) would be refused on every retry: the state is written with the refused
   * characters replaced (outcome `sanitized`), or, if even that is refused, the projection is skipped and
   * the read model stays at the last good one (outcome `failed`, null returned). Either way counted in
   * `kntc_projection_failures_total`, logged (case id, seq, reason, SQLSTATE: no text) and recorded in
   * `projection_failures` for admins (`GET /v1/admin/projection-failures`).
   */
  const writeRefused = async (p: ProjectCaseStateInput, err: unknown): Promise<ProjectionResult | null> => {
    const c = classifyProjectionError(err);
    const meta = { caseId: p.caseId, seq: p.seq, reason: c.reason, sqlstate: c.sqlstate };
    if (!c.data) {
      recordProjectionFailure(c.reason, 'retried');
      activityLog()?.error('projection failed; retried', meta);
      throw ApplicationFailure.retryable(
        `projection of case ${p.caseId} (seq ${p.seq}) failed: ${c.reason}${c.sqlstate ? ` (SQLSTATE ${c.sqlstate})` : ''}`,
        'ProjectionFailed',
      );
    }
    let r: ProjectionResult | null = null;
    try {
      r = await states.projectWithBreaches({ ...p, state: sanitizeJsonText(p.state) });
    } catch (err2) {
      const c2 = classifyProjectionError(err2);
      if (!c2.data) {
        recordProjectionFailure(c2.reason, 'retried');
        activityLog()?.error('projection failed; retried', { ...meta, reason: c2.reason, sqlstate: c2.sqlstate });
        throw ApplicationFailure.retryable(
          `projection of case ${p.caseId} (seq ${p.seq}) failed: ${c2.reason}`,
          'ProjectionFailed',
        );
      }
    }
    const outcome = r ? 'sanitized' : 'failed';
    recordProjectionFailure(c.reason, outcome);
    activityLog()?.error(
      r
        ? 'projection refused by the database: written with the refused characters replaced'
        : 'projection refused by the database: skipped (read model stays at the last good projection)',
      { ...meta, outcome },
    );
    await failures.record({ caseId: p.caseId, seq: p.seq, reason: c.reason, sqlstate: c.sqlstate, outcome });
    return r;
  };
  return {
    ...createGenericActivities(),
    /** Calendar data for the statutory clocks (recorded in history, so replay is deterministic). */
    async getCalendarSnapshot(range: { from: string; to: string }): Promise<CalendarSnapshot> {
      const entries = deps.calendarEntries ? await deps.calendarEntries() : undefined;
      try {
        return buildCalendar({ from: range.from, to: range.to, ...(entries ? { entries } : {}) });
      } catch (err) {
        // A range the calendar cannot be built for (beyond the lunar tables, too long) fails the same
        // on every retry: not retried, so a case never hogs a worker asking for it.
        if (err instanceof RangeError) throw ApplicationFailure.nonRetryable(err.message, 'CalendarRangeUnsupported');
        throw err;
      }
    },
    /** The highest version of `key` effective on `on`, validated and pinned. */
    async resolveDefinition(q: { key: string; on: string }): Promise<ResolvedDefinition> {
      const all = deps.definitions ? await deps.definitions() : EXAMPLE_DEFINITIONS;
      const valid = all.map((d) => validateDefinition(d)).flatMap((v) => (v.ok ? [v.definition] : []));
      const best = latestEffective(valid, q.on, (d) => d.key === q.key);
      if (!best)
        throw ApplicationFailure.nonRetryable(`no definition '${q.key}' is effective on ${q.on}`, 'DefinitionNotFound');
      const pin = pinDefinition(best);
      return { definition: best, pin: { ...pin, label: formatPin(pin) } };
    },
    /**
     * Projects a case state into case_states / case_tasks; idempotent by (caseId, seq). Metrics:
     * each deadline breach the projection shows first counts once in `kntc_deadline_breaches_total`
     * (after the commit, so a retried projection never counts twice), and `kntc_projection_lag_seconds`
     * is the time from the workflow scheduling the projection (the state change) to its commit.
     */
    async projectCaseState(p: ProjectCaseStateInput): Promise<{ applied: boolean }> {
      // The actors' entries of the Updates this step applied (ADR 0013): once per key, so neither a
      // retry of this activity nor the API's own append of the same entry duplicates it.
      for (const a of p.audits ?? []) {
        await appendAuditOnce(deps.db, a.key, {
          actor: a.actor,
          action: a.action,
          caseId: p.caseId,
          before: a.before ?? null,
          after: a.after ?? null,
          legalBasis: a.legalBasis ?? null,
          requestId: a.requestId ?? null,
        });
      }
      let r: ProjectionResult;
      try {
        r = await states.projectWithBreaches(p);
      } catch (err) {
        const refused = await writeRefused(p, err);
        if (!refused) return { applied: false };
        r = refused;
      }
      for (const b of r.breaches) recordDeadlineBreach(b.ruleId ?? b.nodeId ?? 'unknown');
      if (r.applied) {
        const since = changedAt(p);
        if (since !== undefined) recordProjectionLag(Math.max(0, (Date.now() - since) / 1000));
      }
      return { applied: r.applied };
    },
  };
}

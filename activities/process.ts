/**
 * Activities of the interpreter workflow: calendar snapshots, definition resolution for call
 * activities, the case-state projection, and a few generic, idempotent service-task activities.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { buildCalendar, type CalendarEntry } from '../calendar/index.js';
import type { PinKeys } from '../db/case-pins.js';
import { appendAuditOnce } from '../db/audit-once.js';
import { createCaseStateStore } from '../db/case-states.js';
import type { Db } from '../db/knex.js';
import { recordDeadlineBreach, recordProjectionLag } from '../platform/metrics.js';
import { EXAMPLE_DEFINITIONS } from '../processes/examples/index.js';
import type { CalendarSnapshot } from '../workflows/clock/index.js';
import type { ProcessInput, ProjectCaseStateInput, ServiceTaskContext } from '../workflows/contract.js';
import { formatPin, isEffectiveOn, pinDefinition, validateDefinition, type JsonValue, type ProcessDefinitionInput } from '../workflows/engine/index.js';

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
    async benchStep(input: { step?: JsonValue; counter?: JsonValue }, _ctx?: ServiceTaskContext): Promise<{ counter: number }> {
      return { counter: Number(input.counter ?? 0) + 1 };
    },
    /** Registers a document of the case; the id is derived from the case and token, so retries return the same id. */
    async recordDocument(input: Record<string, JsonValue>, ctx?: ServiceTaskContext): Promise<{ documentId: string; kind: JsonValue }> {
      return { documentId: `doc-${ctx?.caseId ?? 'x'}-${ctx?.tokenId ?? 'x'}`, kind: input.kind ?? null };
    },
    /** Queues a notification (delivery is out of scope here); idempotent by case and token. */
    async notify(input: Record<string, JsonValue>, ctx?: ServiceTaskContext): Promise<{ notificationId: string; to: JsonValue }> {
      return { notificationId: `ntf-${ctx?.caseId ?? 'x'}-${ctx?.tokenId ?? 'x'}`, to: input.to ?? null };
    },
  };
}

export function createProcessActivities(deps: ProcessActivityDeps) {
  const states = createCaseStateStore(deps.db, { pinKeys: deps.pinKeys });
  return {
    ...createGenericActivities(),
    /** Calendar data for the statutory clocks (recorded in history, so replay is deterministic). */
    async getCalendarSnapshot(range: { from: string; to: string }): Promise<CalendarSnapshot> {
      const entries = deps.calendarEntries ? await deps.calendarEntries() : undefined;
      return buildCalendar({ from: range.from, to: range.to, ...(entries ? { entries } : {}) });
    },
    /** The highest version of `key` effective on `on`, validated and pinned. */
    async resolveDefinition(q: { key: string; on: string }): Promise<ResolvedDefinition> {
      const all = deps.definitions ? await deps.definitions() : EXAMPLE_DEFINITIONS;
      const valid = all.map((d) => validateDefinition(d)).flatMap((v) => (v.ok ? [v.definition] : []));
      const best = valid.filter((d) => d.key === q.key && isEffectiveOn(d, q.on)).sort((a, b) => b.version - a.version)[0];
      if (!best) throw ApplicationFailure.nonRetryable(`no definition '${q.key}' is effective on ${q.on}`, 'DefinitionNotFound');
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
          actor: a.actor, action: a.action, caseId: p.caseId, before: a.before ?? null, after: a.after ?? null,
          legalBasis: a.legalBasis ?? null, requestId: a.requestId ?? null,
        });
      }
      const r = await states.projectWithBreaches(p);
      for (const b of r.breaches) recordDeadlineBreach(b.ruleId ?? b.nodeId ?? 'unknown');
      if (r.applied) {
        const since = changedAt(p);
        if (since !== undefined) recordProjectionLag(Math.max(0, (Date.now() - since) / 1000));
      }
      return { applied: r.applied };
    },
  };
}

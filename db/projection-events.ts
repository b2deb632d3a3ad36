/**
 * The feed events a case-state projection announces (ADR 0026): derived from the workflow events the
 * projection shows for the first time (the same ones it appends to the audit log), and recorded in the
 * projection's transaction. References only: the task's id and name, rule ids, dates, outcomes — no form
 * data, no case subject, no party.
 */
import type { CaseEvent } from '../workflows/engine/runtime/types.js';
import type { ProjectCaseStateInput, WorkflowAuditEntry } from '../workflows/contract.js';
import { EVENT_TYPES, type NewEvent } from './events.js';

// A terminate end event records process_terminated and then process_completed: the case closes once.
const CLOSING = new Set(['process_completed', 'process_cancelled']);

/** Whether any of `fresh` announces a feed event (the projection then reads the case's reference). */
export function announcesEvents(fresh: readonly CaseEvent[]): boolean {
  return fresh.some(
    (e) =>
      e.type === 'process_started' ||
      e.type === 'task_opened' ||
      e.type === 'task_completed' ||
      e.type === 'due_breached' ||
      e.type === 'message' ||
      CLOSING.has(e.type),
  );
}

/** The legal event's details the Update's audit entry carries (date, decision, legal basis), when it does. */
function legalDetails(name: string, audits: readonly WorkflowAuditEntry[]): Record<string, unknown> {
  const a = audits.find((x) => x.after?.message === name);
  if (!a) return {};
  const after = a.after ?? {};
  return {
    event: a.action.startsWith('case.event.') ? a.action.slice('case.event.'.length) : null,
    date: after.date ?? null,
    decision: after.decision ?? null,
    amount: after.amount ?? null,
    ruleId: after.ruleId ?? null,
    legalBasis: a.legalBasis ?? null,
  };
}

/**
 * The feed events of `fresh` (the workflow events the projection `p` shows first), in workflow order.
 * `reference`: the case's human reference (from its `cases` row), when it has one.
 */
export function projectionEvents(
  p: ProjectCaseStateInput,
  fresh: readonly CaseEvent[],
  reference: string | null,
  targets: Record<string, string | null>,
): NewEvent[] {
  const agencyId = p.agencyId ?? null;
  const base = { caseId: p.caseId, reference, caseType: p.caseType, agencyId };
  const out: NewEvent[] = [];
  const push = (type: string, at: string, data: Record<string, unknown>) =>
    out.push({ type, caseId: p.caseId, agencyId, time: at, data: { ...base, ...data } });
  for (const e of fresh) {
    if (e.type === 'process_started') {
      push(EVENT_TYPES.caseStarted, e.at, { receivedOn: p.state.caseEvents.received ?? null, definition: p.state.pin });
    } else if (e.type === 'task_opened') {
      const taskId = typeof e.detail?.taskId === 'string' ? e.detail.taskId : null;
      const t = p.state.tasks.find((x) => x.id === taskId);
      push(EVENT_TYPES.taskOpened, e.at, {
        taskId: taskId ? `${p.caseId}.${taskId}` : null,
        nodeId: e.nodeId ?? null,
        name: t?.name ?? null,
        candidateRoles: t?.candidateRoles ?? [],
        agencyScope: t?.agencyScope ?? null,
        targetAgencyId: t ? (targets[t.agencyScope] ?? agencyId) : agencyId,
        dueAt: t?.dueAt ?? null,
      });
    } else if (e.type === 'task_completed') {
      // The runner records the completed token's node; the task is the one of that node closed at that instant.
      const t =
        p.state.tasks.find((x) => x.nodeId === e.nodeId && x.status === 'completed' && x.closedAt === e.at) ??
        p.state.tasks.find((x) => x.nodeId === e.nodeId && x.status === 'completed');
      push(EVENT_TYPES.taskCompleted, e.at, {
        taskId: t ? `${p.caseId}.${t.id}` : null,
        nodeId: e.nodeId ?? null,
        name: t?.name ?? null,
      });
    } else if (e.type === 'due_breached') {
      const ruleId = typeof e.detail?.ruleId === 'string' ? e.detail.ruleId : null;
      const b = p.state.breaches?.find((x) => x.nodeId === e.nodeId && x.ruleId === ruleId);
      // A breach recorded on import (ADR 0027: the deadline had passed before the case was imported) carries
      // `imported: true` and `escalated: false`: receivers tell a backdated breach from a live one.
      push(EVENT_TYPES.clockBreached, e.at, {
        nodeId: e.nodeId ?? null,
        ruleId,
        due: e.detail?.due ?? null,
        legalBasis: b?.legalBasis ?? null,
        ...(typeof e.detail?.imported === 'boolean' ? { imported: e.detail.imported } : {}),
        ...(typeof e.detail?.escalated === 'boolean' ? { escalated: e.detail.escalated } : {}),
      });
    } else if (e.type === 'message') {
      const name = typeof e.detail?.name === 'string' ? e.detail.name : '';
      push(EVENT_TYPES.legalEvent, e.at, { name, ...legalDetails(name, p.audits ?? []) });
    } else if (CLOSING.has(e.type)) {
      push(EVENT_TYPES.caseClosed, e.at, {
        status: p.state.status,
        outcome: p.state.outcome ?? (typeof e.detail?.outcome === 'string' ? e.detail.outcome : null),
        terminatedBy: p.state.terminatedBy ?? null,
      });
    }
  }
  return out;
}

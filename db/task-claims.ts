/**
 * Who works a task: claim (take it yourself), assign (a supervisor gives it to someone), release.
 * Kept apart from `case_tasks`, which the projection rewrites on every workflow step.
 */
import type { Db } from './knex.js';

export interface TaskClaim {
  caseId: string;
  taskId: string;
  assignee: string;
  assignedBy: string;
  claimedAt: string;
}

interface ClaimRow {
  case_id: string;
  task_id: string;
  assignee: string;
  assigned_by: string;
  claimed_at: Date;
}

function fromRow(r: ClaimRow): TaskClaim {
  return {
    caseId: r.case_id,
    taskId: r.task_id,
    assignee: r.assignee,
    assignedBy: r.assigned_by,
    claimedAt: r.claimed_at.toISOString(),
  };
}

export function createTaskClaimStore(db: Db) {
  return {
    async get(caseId: string, taskId: string, trx: Db = db): Promise<TaskClaim | undefined> {
      const row = await trx<ClaimRow>('task_claims').where({ case_id: caseId, task_id: taskId }).first();
      return row ? fromRow(row) : undefined;
    },
    /**
     * Claims an unclaimed task for `assignee` (or keeps it if they already hold it).
     * Returns the claim in force: its assignee differs from `assignee` when someone else holds it.
     */
    async claim(
      caseId: string,
      taskId: string,
      assignee: string,
      by: string,
      trx: Db = db,
    ): Promise<{ claim: TaskClaim; changed: boolean }> {
      const inserted = (await trx('task_claims')
        .insert({ case_id: caseId, task_id: taskId, assignee, assigned_by: by })
        .onConflict(['case_id', 'task_id'])
        .ignore()
        .returning('*')) as ClaimRow[];
      if (inserted[0]) return { claim: fromRow(inserted[0]), changed: true };
      return { claim: (await this.get(caseId, taskId, trx))!, changed: false };
    },
    /** Sets the assignee whoever held the task (supervisors); returns the previous claim. */
    async assign(
      caseId: string,
      taskId: string,
      assignee: string,
      by: string,
      trx: Db = db,
    ): Promise<TaskClaim | undefined> {
      const before = await this.get(caseId, taskId, trx);
      await trx('task_claims')
        .insert({ case_id: caseId, task_id: taskId, assignee, assigned_by: by, claimed_at: trx.fn.now() })
        .onConflict(['case_id', 'task_id'])
        .merge(['assignee', 'assigned_by', 'claimed_at']);
      return before;
    },
    /** Removes the claim; returns it (undefined when the task was not claimed). */
    async release(caseId: string, taskId: string, trx: Db = db): Promise<TaskClaim | undefined> {
      const rows = (await trx('task_claims')
        .where({ case_id: caseId, task_id: taskId })
        .delete()
        .returning('*')) as ClaimRow[];
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
  };
}

export type TaskClaimStore = ReturnType<typeof createTaskClaimStore>;

/** Taking a task: the claim (or a supervisor's assignment), its audit entry and its feed event commit together (ADR 0026). */
import type { AuditInput, AuditStore } from '../../db/audit.js';
import type { TaskRow } from '../../db/case-search.js';
import { appendEvents, type NewEvent } from '../../db/events.js';
import type { Db } from '../../db/knex.js';
import type { TaskClaim, TaskClaimStore } from '../../db/task-claims.js';

type AuditActor = AuditInput['actor'];

export function createTaskClaimService(db: Db, claims: TaskClaimStore, audit: Pick<AuditStore, 'append'>) {
  return {
    /** Claims `t` for `me`; audits `task.claimed` and announces it when the claim is new. Answers the claim held now. */
    async claim(t: TaskRow, me: string, actor: AuditActor, requestId: string, event: NewEvent): Promise<TaskClaim> {
      return db.transaction(async (trx) => {
        const r = await claims.claim(t.caseId, t.taskId, me, me, trx);
        if (r.changed) {
          await audit.append(
            {
              actor,
              action: 'task.claimed',
              caseId: t.caseId,
              requestId,
              after: { taskId: t.taskId, nodeId: t.nodeId, assignee: me },
            },
            trx,
          );
          await appendEvents(trx, [event]);
        }
        return r.claim;
      });
    },
    /** Assigns `t` to `assignee` (by `by`); audits `task.assigned` and announces a change of holder. */
    async assign(
      t: TaskRow,
      assignee: string,
      by: string,
      actor: AuditActor,
      requestId: string,
      event: NewEvent,
    ): Promise<void> {
      await db.transaction(async (trx) => {
        const before = await claims.assign(t.caseId, t.taskId, assignee, by, trx);
        await audit.append(
          {
            actor,
            action: 'task.assigned',
            caseId: t.caseId,
            requestId,
            before: { taskId: t.taskId, assignee: before?.assignee ?? null },
            after: { taskId: t.taskId, nodeId: t.nodeId, assignee },
          },
          trx,
        );
        if (before?.assignee !== assignee) await appendEvents(trx, [event]);
      });
    },
  };
}

/**
 * Closing a compliance task (issue 14.4, ADR 0029 amendment): the supervising level records what it did about a
 * head's shortfall; the row locked, the task and its audit entry (`reception.compliance_task_closed`, before and
 * after) in one transaction. Already closed: 409. Who may act and on which subtree is the route's (scope `owned`).
 */
import type { AuditInput, AuditStore } from '../../db/audit.js';
import type { Db } from '../../db/knex.js';
import { closeComplianceTask, type ComplianceTask } from '../../db/reception-compliance.js';
import { HttpProblem, problems } from '../problem.js';

export function createComplianceTaskService(db: Db, audit: Pick<AuditStore, 'append'>) {
  return {
    async close(a: { id: string; outcome: string; actor: AuditInput['actor']; requestId: string }) {
      return db.transaction(async (trx): Promise<ComplianceTask> => {
        const r = await closeComplianceTask(trx, a.id, { outcome: a.outcome, by: a.actor });
        if (r === undefined) throw problems.notFound(`Compliance task ${a.id}`);
        if (r === 'closed')
          throw new HttpProblem(409, 'conflict', 'Conflict', `Compliance task ${a.id} is closed already`);
        await audit.append(
          {
            actor: a.actor,
            action: 'reception.compliance_task_closed',
            requestId: a.requestId,
            before: { taskId: a.id, status: r.before.status },
            after: { taskId: a.id, status: r.after.status, outcome: a.outcome, agencyId: r.after.agencyId },
            legalBasis: r.after.citation,
          },
          trx as Db,
        );
        return r.after;
      });
    },
  };
}

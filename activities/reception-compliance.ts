/**
 * The reception compliance check (workflows/reception-compliance.ts, ADR 0029): finds the heads who fell
 * short of their legal minimum in a period and opens one task per shortfall for the supervising agency
 * (the agency above; its head, resolved through the directory, is the recipient), with an audit entry and
 * the outbox event `vn.kntc.reception.compliance.shortfall` in the same transaction. Idempotent: a task
 * exists at most once per agency, rule and period (a retry or a re-run opens nothing new).
 */
import { appendAudit } from '../db/audit.js';
import { appendEvents, registerEventType } from '../db/events.js';
import type { Db } from '../db/knex.js';
import { insertComplianceTask, openAgencyIds } from '../db/reception-compliance.js';
import { resolveRecipients } from '../directory/recipients.js';
import { shortfalls } from '../reception/compliance.js';
import { addDays } from '../workflows/clock/days.js';
import { monthBounds, type ComplianceOptions } from '../reception/minimum-rules.js';
import { COMPLIANCE_SHORTFALL_EVENT, type ComplianceCheckResult } from '../workflows/reception-compliance-contract.js';

registerEventType(COMPLIANCE_SHORTFALL_EVENT);

const SYSTEM = { type: 'system', id: 'reception-compliance', agency: null };

export function createReceptionComplianceActivities(deps: { db: Db; complianceOptions?: ComplianceOptions }) {
  const { db } = deps;
  return {
    async checkReceptionCompliance(
      p: { period: 'month'; month: string } | { period: 'week'; first: string },
    ): Promise<ComplianceCheckResult> {
      const agencies = await openAgencyIds(db);
      const found = await shortfalls(db, agencies, p, deps.complianceOptions);
      let opened = 0;
      for (const s of found) {
        const recipients = s.parentId
          ? (
              await resolveRecipients(db, {
                agencyId: s.agencyId,
                to: ['higher_agency_head'],
                kind: 'reception_compliance',
              })
            )
              .map((r) => r.personId)
              .sort()
          : [];
        await db.transaction(async (trx) => {
          const task = await insertComplianceTask(trx, {
            agencyId: s.agencyId,
            supervisingAgencyId: s.parentId,
            leaderPersonId: s.headPersonId,
            ruleId: s.ruleId,
            citation: s.citation,
            periodFirst: s.first,
            periodLast: s.last,
            requiredDays: s.required,
            heldDays: s.held,
            delegatedDays: s.delegated,
            recipients: [...new Set(recipients)],
          });
          if (!task) return;
          opened++;
          const data = {
            taskId: task.id,
            agencyId: task.agencyId,
            supervisingAgencyId: task.supervisingAgencyId,
            ruleId: task.ruleId,
            citation: task.citation,
            periodFirst: task.periodFirst,
            periodLast: task.periodLast,
            requiredDays: task.requiredDays,
            heldDays: task.heldDays,
            delegatedDays: task.delegatedDays,
          };
          await appendAudit(
            db,
            { actor: SYSTEM, action: 'reception.compliance.shortfall', after: data, legalBasis: task.citation },
            trx,
          );
          await appendEvents(trx, [
            {
              type: COMPLIANCE_SHORTFALL_EVENT,
              caseId: null,
              agencyId: task.supervisingAgencyId ?? task.agencyId,
              time: task.createdAt,
              data,
            },
          ]);
        });
      }
      const { first, last } =
        p.period === 'month' ? monthBounds(p.month) : { first: p.first, last: addDays(p.first, 6) };
      return { period: p.period, first, last, agencies: agencies.length, shortfalls: found.length, opened };
    },
  };
}

export type ReceptionComplianceActivities = ReturnType<typeof createReceptionComplianceActivities>;

/**
 * The reception compliance check (workflows/reception-compliance.ts, ADR 0029): finds the heads who fell
 * short of their legal minimum in a period and opens one task per shortfall for the supervising agency
 * (the agency above; its head, resolved through the directory, is the recipient), with an audit entry and
 * the outbox event `vn.kntc.reception.compliance.shortfall` in the same transaction. Idempotent: a task
 * exists at most once per agency, rule and period (a retry or a re-run opens nothing new).
 * Each task is also a notification (ADR 0025, subject `reception_compliance_task`) to the head of the supervising
 * agency, recorded with the task and delivered by deliverNotificationWorkflow, started before the activity
 * completes (a crash after the commit retries the activity, which finds the task and its notification and
 * starts the same delivery id; a delivery already started is left alone).
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../db/audit.js';
import { appendEvents, registerEventType } from '../db/events.js';
import type { Db } from '../db/knex.js';
import {
  findComplianceTask,
  insertComplianceTask,
  openAgencyIds,
  type ComplianceTask,
} from '../db/reception-compliance.js';
import { resolveRecipients } from '../directory/recipients.js';
import { shortfalls } from '../reception/compliance.js';
import { addDays, formatVn } from '../workflows/clock/days.js';
import { monthBounds, type ComplianceOptions } from '../reception/minimum-rules.js';
import { COMPLIANCE_SHORTFALL_EVENT, type ComplianceCheckResult } from '../workflows/reception-compliance-contract.js';

registerEventType(COMPLIANCE_SHORTFALL_EVENT);

const SYSTEM = { type: 'system', id: 'reception-compliance', agency: null };
/** The notification kind of a shortfall (notifications/templates.ts). */
export const SHORTFALL_NOTIFICATION_KIND = 'reception_compliance_shortfall';

/** `tháng 07/2026`, or `tuần 15/06/2026–21/06/2026`. */
function periodLabel(t: Pick<ComplianceTask, 'periodFirst' | 'periodLast'>, period: 'month' | 'week'): string {
  return period === 'month'
    ? `tháng ${t.periodFirst.slice(5, 7)}/${t.periodFirst.slice(0, 4)}`
    : `tuần ${formatVn(t.periodFirst)}–${formatVn(t.periodLast)}`;
}

/**
 * Records the shortfall's notification once (per task): the head of the agency above the one that fell short
 * (`higher_agency_head`, resolved at delivery through the directory), with what the message says. Its id.
 */
async function recordShortfallNotification(
  trx: Db,
  t: ComplianceTask,
  period: 'month' | 'week',
  agencyName: string,
): Promise<string> {
  await trx('case_notifications')
    .insert({
      id: `ntf-${randomUUID()}`,
      case_id: null,
      subject_kind: 'reception_compliance_task',
      subject_id: t.id,
      agency_id: t.agencyId,
      idem_key: 'shortfall',
      kind: SHORTFALL_NOTIFICATION_KIND,
      recipients: ['higher_agency_head'],
      detail: {
        reference: periodLabel(t, period),
        agencyName,
        agencyId: t.agencyId,
        citation: t.citation,
        requiredDays: t.requiredDays,
        heldDays: t.heldDays,
        delegatedDays: t.delegatedDays,
        periodFirst: t.periodFirst,
        periodLast: t.periodLast,
        path: `/v1/reception/compliance?month=${t.periodFirst.slice(0, 7)}`,
      },
    })
    .onConflict(['subject_kind', 'subject_id', 'idem_key'])
    .ignore();
  const row = await trx('case_notifications')
    .where({ subject_kind: 'reception_compliance_task', subject_id: t.id, idem_key: 'shortfall' })
    .first<{ id: string }>('id');
  return row.id;
}

export function createReceptionComplianceActivities(deps: {
  db: Db;
  complianceOptions?: ComplianceOptions;
  /** Starts a recorded notification's delivery (ADR 0025); unset: recorded (`queued`), not sent. */
  startDelivery?: ((notificationId: string) => Promise<void>) | undefined;
}) {
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
        const notificationId = await db.transaction(async (trx) => {
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
          if (!task) {
            // Opened by an earlier run (or an attempt that failed after its commit): its notification is there.
            const known = await findComplianceTask(trx, {
              agencyId: s.agencyId,
              ruleId: s.ruleId,
              periodFirst: s.first,
            });
            return known ? recordShortfallNotification(trx, known, p.period, s.agencyName) : null;
          }
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
          return recordShortfallNotification(trx, task, p.period, s.agencyName);
        });
        if (notificationId && deps.startDelivery) await deps.startDelivery(notificationId);
      }
      const { first, last } =
        p.period === 'month' ? monthBounds(p.month) : { first: p.first, last: addDays(p.first, 6) };
      return { period: p.period, first, last, agencies: agencies.length, shortfalls: found.length, opened };
    },
  };
}

export type ReceptionComplianceActivities = ReturnType<typeof createReceptionComplianceActivities>;

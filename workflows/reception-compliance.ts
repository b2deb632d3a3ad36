/**
 * receptionComplianceWorkflow (issue 14.4, ADR 0029): started by the Temporal Schedules of
 * RECEPTION_COMPLIANCE_SCHEDULES (monthly and weekly), it checks the period that just ended — from the
 * workflow's own clock, so a catch-up run checks the period of its scheduled time — and the activity
 * opens one compliance task per head who fell short (idempotent per agency, rule and period).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ReceptionComplianceActivities } from '../activities/reception-compliance.js';
import {
  previousPeriod,
  type ComplianceCheckResult,
  type ReceptionComplianceInput,
} from './reception-compliance-contract.js';

const acts = proxyActivities<ReceptionComplianceActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function receptionComplianceWorkflow(input: ReceptionComplianceInput): Promise<ComplianceCheckResult> {
  const prev = previousPeriod(Date.now(), input.period);
  if (input.period === 'month')
    return acts.checkReceptionCompliance({ period: 'month', month: input.month ?? prev.month! });
  return acts.checkReceptionCompliance({ period: 'week', first: input.first ?? prev.first });
}

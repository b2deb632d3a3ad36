// Single bundle entry of the workflow code (Temporal's webpack bundle starts here).
export { processWorkflow } from './interpreter.js';
export { benchTenStepsWorkflow } from './bench.js';
export { calendarFanOutWorkflow } from './calendar-fanout.js';
export { webhookDeliveryWorkflow } from './webhooks.js';
export { deliverNotificationWorkflow } from './deliver-notification.js';
export { agencyClosureWorkflow } from './agency-closure.js';
export { receptionComplianceWorkflow } from './reception-compliance.js';
export { reportDraftingWorkflow, reportWorkflow } from './report.js';
export { receptionPeriodReconcileWorkflow, receptionPeriodWorkflow } from './reception-period.js';
export { reviewCampaignReconcileWorkflow, reviewCampaignWorkflow } from './review-campaign.js';
export { massProcessReconcileWorkflow } from './mass-process-reconcile.js';

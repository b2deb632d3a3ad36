/**
 * The message contract between the API, the worker and the case workflow.
 * Dependency-free (only Temporal's pure workflow/common APIs): the API imports it for type-checked
 * signals, queries and updates; workflow code imports it too. Nothing Node-side may be added here.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Default task queue of the case worker (overridable by TEMPORAL_TASK_QUEUE). */
export const DEFAULT_TASK_QUEUE = 'kntc-cases';

/** Business-key workflow id of a case: one workflow per case id. */
export function caseWorkflowId(caseId: string): string {
  return `case-${caseId}`;
}

export type CaseType = 'letter' | 'complaint_first' | 'complaint_second' | 'denunciation' | 'petition';
export type Channel = 'reception_desk' | 'post' | 'portal' | 'forwarded' | 'national_database';

/**
 * Input of a case workflow. Carries references only: personal data (parties) stays in PostgreSQL,
 * encrypted, and never enters Temporal history (Luật Tố cáo 2018 Art 8(3), 47, 56).
 */
export interface CaseInput {
  caseId: string;
  reference: string;
  caseType: CaseType;
  channel: Channel;
  /** ISO instant the case was received (drives the law version and every statutory clock). */
  receivedAt: string;
  agencyId: string;
  subject: string;
  remoteArea: boolean;
}

/** What the skeleton workflow reports through its query. */
export interface CaseSnapshot {
  caseId: string;
  stage: string;
  status: 'open' | 'closed';
  projectedSeq: number;
}

export const getCaseSnapshot = defineQuery<CaseSnapshot>('getCaseSnapshot');
export const closeCase = defineSignal<[{ reason: string }]>('closeCase');

/** Search attributes (no personal data: they are stored unencrypted). */
export const SA = {
  caseType: defineSearchAttributeKey('KntcCaseType', SearchAttributeType.KEYWORD),
  agencyId: defineSearchAttributeKey('KntcAgencyId', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('KntcStage', SearchAttributeType.KEYWORD),
  receivedAt: defineSearchAttributeKey('KntcReceivedAt', SearchAttributeType.DATETIME),
  dueAt: defineSearchAttributeKey('KntcDueAt', SearchAttributeType.DATETIME),
} as const;

/** Registration list for the dev server's `--search-attribute NAME=Type`. */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; cliType: string }> = [
  { name: SA.caseType.name, cliType: 'Keyword' },
  { name: SA.agencyId.name, cliType: 'Keyword' },
  { name: SA.stage.name, cliType: 'Keyword' },
  { name: SA.receivedAt.name, cliType: 'Datetime' },
  { name: SA.dueAt.name, cliType: 'Datetime' },
];

/**
 * The intake side of a case's detail (`GET /v1/cases/:id`, api/case-view.ts): pinned definition,
 * details, parent and linked cases from the read model, claims of its tasks, documents and events.
 */
import type { Db } from './knex.js';

/** A case started by this one's workflow, as the read model holds it. */
export interface LinkedCaseRow {
  caseId: string;
  reference: string;
  caseType: string;
  workflowId: string;
  definitionKey: string | null;
  status: string | null;
  outcome: string | null;
}

export interface CaseExtras {
  events: Array<{
    kind: 'warning' | 'case_event';
    name: string;
    on: string | null;
    nodeId: string | null;
    message: string | null;
    recordedAt: string | null;
  }>;
  definition: { key: string; version: number; hash: string } | null;
  details: Record<string, unknown> | null;
  parent: { caseId: string; reference: string; caseType: string } | null;
  children: LinkedCaseRow[];
  /** Task id → assignee. */
  claims: Map<string, string>;
  documents: Array<{
    id: string;
    type: string;
    legalBasis: string | null;
    recipients: string[];
    issuedOn: string | null;
    sentOn: string | null;
    receivedOn: string | null;
  }>;
}

export function createCaseDetailStore(db: Db) {
  return {
    /** Intake extras of a case: pinned definition, details, claims of its tasks, document records. */
    async extras(caseId: string): Promise<CaseExtras> {
      const [row, children, claims, docs, events] = await Promise.all([
        db('cases as c')
          .leftJoin('cases as p', 'p.id', 'c.parent_case_id')
          .where('c.id', caseId)
          .first(
            'c.definition_key',
            'c.definition_version',
            'c.definition_hash',
            'c.details',
            'p.id as parent_id',
            'p.reference as parent_reference',
            'p.case_type as parent_case_type',
          ),
        db('cases as c')
          .leftJoin('case_states as cs', 'cs.case_id', 'c.id')
          .where('c.parent_case_id', caseId)
          .orderBy([{ column: 'c.created_at' }, { column: 'c.id' }])
          .select('c.id', 'c.reference', 'c.case_type', 'c.workflow_id', 'c.definition_key', 'cs.status', 'cs.outcome'),
        db('task_claims').where({ case_id: caseId }).select('task_id', 'assignee'),
        db('case_documents')
          .where({ case_id: caseId })
          .orderBy([{ column: 'recorded_at' }, { column: 'id' }])
          .select('id', 'type', 'legal_basis', 'recipients', 'issued_on', 'sent_on', 'received_on'),
        db('case_events')
          .where({ case_id: caseId })
          .orderBy('id')
          .limit(500)
          .select('kind', 'name', 'occurred_on', 'node_id', 'message', 'recorded_at'),
      ]);
      return {
        events: events.map((e: Record<string, unknown>) => ({
          kind: e.kind === 'warning' ? ('warning' as const) : ('case_event' as const),
          name: e.name as string,
          on: (e.occurred_on as string | null) ?? null,
          nodeId: (e.node_id as string | null) ?? null,
          message: (e.message as string | null) ?? null,
          recordedAt: e.recorded_at instanceof Date ? e.recorded_at.toISOString() : null,
        })),
        definition: row?.definition_key
          ? { key: row.definition_key, version: row.definition_version, hash: row.definition_hash }
          : null,
        details: (row?.details as Record<string, unknown> | null) ?? null,
        parent: row?.parent_id
          ? {
              caseId: row.parent_id as string,
              reference: row.parent_reference as string,
              caseType: row.parent_case_type as string,
            }
          : null,
        children: children.map((r: Record<string, unknown>) => ({
          caseId: r.id as string,
          reference: r.reference as string,
          caseType: r.case_type as string,
          workflowId: r.workflow_id as string,
          definitionKey: (r.definition_key as string | null) ?? null,
          status: (r.status as string | null) ?? null,
          outcome: (r.outcome as string | null) ?? null,
        })),
        claims: new Map(claims.map((r: { task_id: string; assignee: string }) => [r.task_id, r.assignee])),
        documents: docs.map((d: Record<string, unknown>) => ({
          id: d.id as string,
          type: d.type as string,
          legalBasis: (d.legal_basis as string | null) ?? null,
          recipients: d.recipients as string[],
          issuedOn: (d.issued_on as string | null) ?? null,
          sentOn: (d.sent_on as string | null) ?? null,
          receivedOn: (d.received_on as string | null) ?? null,
        })),
      };
    },
  };
}

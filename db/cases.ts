import type { Db } from './knex.js';

/** A case as the read model holds it. */
export interface CaseRecord {
  id: string;
  reference: string;
  workflowId: string;
  caseType: string;
  channel: string;
  agencyId: string;
  subject: string;
  remoteArea: boolean;
  receivedAt: string;
  stage: string;
  status: string;
  projectionSeq: number;
  createdAt: string;
  updatedAt: string;
}

interface CaseRow {
  id: string;
  reference: string;
  workflow_id: string;
  case_type: string;
  channel: string;
  agency_id: string;
  subject: string;
  remote_area: boolean;
  received_at: Date;
  stage: string;
  status: string;
  projection_seq: number;
  created_at: Date;
  updated_at: Date;
}

function fromRow(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    reference: r.reference,
    workflowId: r.workflow_id,
    caseType: r.case_type,
    channel: r.channel,
    agencyId: r.agency_id,
    subject: r.subject,
    remoteArea: r.remote_area,
    receivedAt: r.received_at.toISOString(),
    stage: r.stage,
    status: r.status,
    projectionSeq: r.projection_seq,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export type CaseProjection = Omit<CaseRecord, 'createdAt' | 'updatedAt'>;

function toRow(c: CaseProjection): Omit<CaseRow, 'created_at' | 'updated_at' | 'received_at'> & { received_at: string } {
  return {
    id: c.id,
    reference: c.reference,
    workflow_id: c.workflowId,
    case_type: c.caseType,
    channel: c.channel,
    agency_id: c.agencyId,
    subject: c.subject,
    remote_area: c.remoteArea,
    received_at: c.receivedAt,
    stage: c.stage,
    status: c.status,
    projection_seq: c.projectionSeq,
  };
}

/** Store of the case read model. */
export function createCaseStore(db: Db) {
  return {
    async get(id: string): Promise<CaseRecord | undefined> {
      const row = await db<CaseRow>('cases').where({ id }).first();
      return row ? fromRow(row) : undefined;
    },

    /**
     * Idempotent upsert of a projection: applied only if its sequence is newer than the stored one,
     * so a retried or reordered projection never overwrites newer state. Returns whether it applied.
     */
    async project(c: CaseProjection, trx: Db = db): Promise<boolean> {
      const row = toRow(c);
      const res = await trx.raw(
        `INSERT INTO cases (${Object.keys(row).join(', ')}, updated_at)
         VALUES (${Object.keys(row).map(() => '?').join(', ')}, now())
         ON CONFLICT (id) DO UPDATE SET
           stage = EXCLUDED.stage, status = EXCLUDED.status, subject = EXCLUDED.subject,
           projection_seq = EXCLUDED.projection_seq, updated_at = now()
         WHERE cases.projection_seq < EXCLUDED.projection_seq`,
        Object.values(row),
      );
      return (res as { rowCount: number }).rowCount > 0;
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;

import { DateTime } from 'luxon';
import { appendAudit, SYSTEM_ACTOR } from './audit.js';
import type { Db } from './knex.js';
import { caseWorkflowId, type ProjectCaseStateInput } from '../workflows/contract.js';
import { inVietnam, VN_ZONE } from '../workflows/clock/vn-time.js';

/** Reference prefixes per case type (printed on receipts); other (registered) case types: `HS`. */
const REFERENCE_PREFIX: Record<string, string> = {
  letter: 'DON',
  complaint_first: 'KN1',
  complaint_second: 'KN2',
  denunciation: 'TC',
  petition: 'KNPA',
  delegation: 'DDN',
  central_gathering: 'TTW',
};

/**
 * Human reference printed on receipts, derived from the id so that a retried request (or a retried
 * projection of a linked case) gets the same one: `<prefix>-<year of receipt in Vietnam>-<10 hex of the id>`.
 */
export function caseReference(id: string, type: string, receivedAt: string, digits = 10): string {
  const t = DateTime.fromISO(receivedAt, { setZone: true });
  const year = inVietnam(t).year;
  return `${REFERENCE_PREFIX[type] ?? 'HS'}-${year}-${id.replace(/-/g, '').slice(0, digits).toUpperCase()}`;
}

/**
 * Reference lengths tried in turn when a shorter one is already taken by another case: 10 hex digits
 * (40 bits of the random case id) collide about once in 2 million pairs of cases of one type and year,
 * so a busy province meets one within a few years; the next length is then used for that case.
 */
export const REFERENCE_DIGITS = [10, 14, 20, 32] as const;

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
  /** The case whose workflow started this one (a linked case: call activity), else null. */
  parentCaseId?: string | null;
  /** The case whose party rows this case shares (a linked case: its first ancestor's), else null = its own. */
  partyCaseId?: string | null;
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
  parent_case_id?: string | null;
  party_case_id?: string | null;
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
    parentCaseId: r.parent_case_id ?? null,
    partyCaseId: r.party_case_id ?? null,
  };
}

export type CaseProjection = Omit<CaseRecord, 'createdAt' | 'updatedAt' | 'parentCaseId' | 'partyCaseId'>;

function toRow(
  c: CaseProjection,
): Omit<CaseRow, 'created_at' | 'updated_at' | 'received_at'> & { received_at: string } {
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

    /** The definition version the case pinned (key, version, hash), if the read model has it. */
    async pinnedDefinition(id: string): Promise<{ key: string; version: number; hash: string } | undefined> {
      const row = await db('cases').where({ id }).first('definition_key', 'definition_version', 'definition_hash');
      return row?.definition_key
        ? { key: row.definition_key, version: row.definition_version, hash: String(row.definition_hash) }
        : undefined;
    },

    /** Cases of the read model run by `workflowIds`, optionally only those of `agencies` (the stuck-case list). */
    async byWorkflowIds(
      workflowIds: readonly string[],
      agencies?: readonly string[],
    ): Promise<Array<{ id: string; reference: string; case_type: string; agency_id: string; workflow_id: string }>> {
      let q = db('cases').whereIn('workflow_id', [...workflowIds]);
      if (agencies) q = q.whereIn('agency_id', [...agencies]);
      return (await q.select('id', 'reference', 'case_type', 'agency_id', 'workflow_id')) as Array<{
        id: string;
        reference: string;
        case_type: string;
        agency_id: string;
        workflow_id: string;
      }>;
    },

    /**
     * Idempotent upsert of a projection: applied only if its sequence is newer than the stored one,
     * so a retried or reordered projection never overwrites newer state. Returns whether it applied.
     */
    async project(c: CaseProjection, trx: Db = db): Promise<boolean> {
      const row = toRow(c);
      const res = await trx.raw(
        `INSERT INTO cases (${Object.keys(row).join(', ')}, updated_at)
         VALUES (${Object.keys(row)
           .map(() => '?')
           .join(', ')}, now())
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

/** `key@version+hash` (the pin label a case state carries) → its parts; null if it is not one. */
export function parsePinLabel(label: string): { key: string; version: number; hash: string } | null {
  const m = /^(.+)@(\d+)\+(.+)$/.exec(label);
  return m ? { key: m[1]!, version: Number(m[2]), hash: m[3]! } : null;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

interface ParentRow {
  id: string;
  reference: string;
  channel: string;
  agency_id: string;
  subject: string;
  remote_area: boolean;
  received_at: Date;
  received_on: string;
  details: Record<string, unknown> | null;
  party_case_id: string;
  present: boolean;
}

/**
 * A linked case — started by its parent's workflow through a call activity (a letter accepted as a
 * complaint, denunciation or petition; a second-instance complaint after the first) — has no row from
 * `POST /v1/cases`. The projection calls this in its transaction: when the case names a parent
 * (`variables.parentCaseId`, set by the interpreter) and has no `cases` row yet, the row is derived
 * from the parent's — agency, channel, subject, remote-area flag — with a fresh reference made like
 * POST's, the receipt instant of the child's `received` case event (the parent's own instant when it
 * is the same day in Vietnam, else 00:00 in Vietnam of that day), the child's case type and pinned
 * definition, the parent link, and the parent's party set by reference (`party_case_id`: personal data
 * is never copied, and never passes through Temporal). Idempotent (`ON CONFLICT DO NOTHING`): audited
 * once, as `case.linked_started`. Answers whether it created the row; a parent without a row yet
 * (started outside the API) creates nothing, and a later projection tries again.
 */
export async function ensureLinkedCase(trx: Db, p: ProjectCaseStateInput): Promise<boolean> {
  const parentCaseId = p.state.variables.parentCaseId;
  if (typeof parentCaseId !== 'string' || parentCaseId === p.caseId) return false;
  const found = await trx.raw<{ rows: ParentRow[] }>(
    `SELECT p.id, p.reference, p.channel, p.agency_id, p.subject, p.remote_area, p.received_at,
            to_char(p.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS received_on, p.details,
            COALESCE(p.party_case_id, p.id) AS party_case_id, EXISTS (SELECT 1 FROM cases c WHERE c.id = ?) AS present
     FROM cases p WHERE p.id = ?`,
    [p.caseId, parentCaseId],
  );
  const parent = found.rows[0];
  if (!parent || parent.present) return false;
  const day = p.state.caseEvents.received;
  const receivedAt =
    typeof day === 'string' && ISO_DAY.test(day) && day !== parent.received_on
      ? DateTime.fromISO(day, { zone: VN_ZONE }).toUTC().toISO()!
      : parent.received_at.toISOString();
  // The shortest reference no other case holds (REFERENCE_DIGITS; the read model and the PIN registry).
  let reference = '';
  for (const digits of REFERENCE_DIGITS) {
    reference = caseReference(p.caseId, p.caseType, receivedAt, digits);
    const taken = await trx.raw<{ rows: unknown[] }>(
      `SELECT 1 FROM cases WHERE reference = ? AND id <> ? UNION ALL SELECT 1 FROM case_pins WHERE reference = ? AND case_id <> ? LIMIT 1`,
      [reference, p.caseId, reference, p.caseId],
    );
    if (taken.rows.length === 0) break;
  }
  const pin = parsePinLabel(p.state.pin);
  const details = { ...(parent.details ?? {}), linkedFrom: { caseId: parent.id, reference: parent.reference } };
  const ins = await trx.raw<{ rows: Array<{ id: string }> }>(
    `INSERT INTO cases (id, reference, workflow_id, case_type, channel, agency_id, subject, remote_area, received_at, stage, status,
                        projection_seq, definition_key, definition_version, definition_hash, details, parent_case_id, party_case_id, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, 'received', 'open', 0, ?, ?::int, ?, ?::jsonb, ?, ?, now())
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      p.caseId,
      reference,
      caseWorkflowId(p.caseId),
      p.caseType,
      parent.channel,
      parent.agency_id,
      parent.subject,
      parent.remote_area,
      receivedAt,
      pin?.key ?? null,
      pin?.version ?? null,
      pin?.hash ?? null,
      JSON.stringify(details),
      parent.id,
      parent.party_case_id,
    ],
  );
  if (ins.rows.length === 0) return false;
  await appendAudit(
    trx,
    {
      actor: SYSTEM_ACTOR,
      action: 'case.linked_started',
      caseId: p.caseId,
      after: {
        reference,
        caseType: p.caseType,
        agencyId: parent.agency_id,
        receivedAt,
        definition: p.state.pin,
        parentCaseId: parent.id,
        parentReference: parent.reference,
        partyCaseId: parent.party_case_id,
      },
    },
    trx,
  );
  return true;
}

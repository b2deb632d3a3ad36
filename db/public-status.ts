/** The rows behind the public status look-up (`GET /v1/public/cases/:reference`). */
import type { Db } from './knex.js';

export interface PublicStatusRow {
  id: string;
  reference: string;
  case_type: string;
  stage: string;
  status: string;
  received_at: Date;
  depth: number;
  s_stage: string | null;
  s_status: string | null;
  next_due_at: Date | null;
}

/**
 * The case and the cases linked from it (children, and theirs, at most 8 deep), with their projected
 * step, status and next due date: the case first, then by depth and creation.
 */
export async function publicStatusRows(db: Db, caseId: string): Promise<PublicStatusRow[]> {
  const { rows } = await db.raw<{ rows: PublicStatusRow[] }>(
    `WITH RECURSIVE tree (id, depth) AS (
       SELECT id, 0 FROM cases WHERE id = ?
       UNION ALL SELECT c.id, t.depth + 1 FROM cases c JOIN tree t ON c.parent_case_id = t.id WHERE t.depth < 8
     )
     SELECT c.id, c.reference, c.case_type, c.stage, c.status, c.received_at, t.depth,
            cs.stage AS s_stage, cs.status AS s_status, cs.next_due_at
       FROM tree t JOIN cases c ON c.id = t.id LEFT JOIN case_states cs ON cs.case_id = c.id
      ORDER BY t.depth, c.created_at, c.id`,
    [caseId],
  );
  return rows;
}

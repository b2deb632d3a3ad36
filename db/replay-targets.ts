/**
 * Which workflows an audit replay covers, from the read model: one case, or every case pinned to a
 * definition (key, optionally version), limited to an agency subtree.
 */
import { caseWorkflowId } from '../workflows/contract.js';
import type { Db } from './knex.js';

/** A case and the workflow id whose history is replayed. */
export interface ReplayTarget {
  caseId: string;
  workflowId: string;
}

export type ReplaySelection = { caseId: string } | { definitionKey: string; definitionVersion?: number; limit: number };

const hasColumn = new WeakMap<Db, Promise<boolean>>();

/** Whether `cases` records the pinned definition (the case routes add those columns). */
function casesHaveDefinition(db: Db): Promise<boolean> {
  let p = hasColumn.get(db);
  if (!p) {
    p = db.schema.hasColumn('cases', 'definition_key');
    hasColumn.set(db, p);
  }
  return p;
}

/**
 * The targets of a selection within `subtree`. The pinned definition is read from `cases`
 * (definition_key/definition_version, when present) or from the projected state of the
 * interpreter (`case_states.state.pin` = `key@version+sha256:…`); a case known only to
 * `case_states` replays its business-key workflow id.
 */
export async function findReplayTargets(
  db: Db,
  subtree: readonly string[],
  sel: ReplaySelection,
): Promise<{ targets: ReplayTarget[]; truncated: boolean }> {
  const withDef = await casesHaveDefinition(db);
  const params: Array<string | number | null> = [];
  let where: string;
  if ('caseId' in sel) {
    where = 'k.case_id = ?';
    params.push(sel.caseId);
  } else {
    const prefix =
      sel.definitionVersion === undefined ? `${sel.definitionKey}@` : `${sel.definitionKey}@${sel.definitionVersion}+`;
    const fromState = "left(s.state->>'pin', length(?)) = ?";
    params.push(prefix, prefix);
    if (withDef) {
      where = `(${fromState} OR (c.definition_key = ? AND (?::int IS NULL OR c.definition_version = ?::int)))`;
      params.push(sel.definitionKey, sel.definitionVersion ?? null, sel.definitionVersion ?? null);
    } else {
      where = fromState;
    }
  }
  const limit = 'caseId' in sel ? 1 : sel.limit;
  // Every case id known to either table, with its agency and workflow id.
  const { rows } = await db.raw<{ rows: Array<{ case_id: string; workflow_id: string | null }> }>(
    `SELECT k.case_id, c.workflow_id
       FROM (SELECT id AS case_id FROM cases UNION SELECT case_id FROM case_states) k
       LEFT JOIN cases c ON c.id = k.case_id
       LEFT JOIN case_states s ON s.case_id = k.case_id
      WHERE ${where} AND COALESCE(c.agency_id, s.agency_id) = ANY(?)
      ORDER BY k.case_id
      LIMIT ?`,
    [...params, [...subtree] as unknown as string, limit + 1],
  );
  return {
    targets: rows
      .slice(0, limit)
      .map((r) => ({ caseId: r.case_id, workflowId: r.workflow_id ?? caseWorkflowId(r.case_id) })),
    truncated: rows.length > limit,
  };
}

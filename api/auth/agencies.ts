import type { Db } from '../../db/knex.js';

/** Agency-tree look-ups used for scoping (a principal sees its own agency's subtree only). */
export function createAgencyScope(db: Db) {
  return {
    /** True if `agencyId` is `ancestorId` or below it. Unknown agencies are never within anything. */
    async isWithin(agencyId: string, ancestorId: string): Promise<boolean> {
      if (agencyId === ancestorId) {
        return Boolean(await db('agencies').where({ id: agencyId }).first('id'));
      }
      const r = await db.raw<{ rows: unknown[] }>(
        `WITH RECURSIVE up AS (
           SELECT id, parent_id, 0 AS depth FROM agencies WHERE id = ?
           UNION ALL SELECT a.id, a.parent_id, up.depth + 1 FROM agencies a JOIN up ON a.id = up.parent_id WHERE up.depth < 32
         ) SELECT 1 FROM up WHERE id = ? LIMIT 1`,
        [agencyId, ancestorId],
      );
      return r.rows.length > 0;
    },
    /** Ids of `agencyId` and every agency below it. */
    async subtree(agencyId: string): Promise<string[]> {
      const r = await db.raw<{ rows: Array<{ id: string }> }>(
        `WITH RECURSIVE down AS (
           SELECT id, 0 AS depth FROM agencies WHERE id = ?
           UNION ALL SELECT a.id, down.depth + 1 FROM agencies a JOIN down ON a.parent_id = down.id WHERE down.depth < 32
         ) SELECT id FROM down`,
        [agencyId],
      );
      return r.rows.map((x) => x.id);
    },
  };
}

export type AgencyScope = ReturnType<typeof createAgencyScope>;

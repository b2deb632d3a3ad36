/** The `agencies` reference table (changed by migrations or an operator, never by the API). */
import type { Db } from './knex.js';

export type AgencyLevel = 'province' | 'department' | 'commune';

export interface AgencyRecord {
  id: string;
  parentId: string | null;
  name: string;
  level: AgencyLevel;
}

export function createAgencyStore(db: Db) {
  return {
    /** Every agency's id and parent (the tree api/auth/agencies.ts caches). */
    async edges(): Promise<Array<{ id: string; parent_id: string | null }>> {
      return db('agencies').select<Array<{ id: string; parent_id: string | null }>>('id', 'parent_id');
    },
    /** The agencies of `ids`, parents first. */
    async list(ids: readonly string[]): Promise<AgencyRecord[]> {
      const rows = await db('agencies').whereIn('id', [...ids]).orderByRaw('parent_id NULLS FIRST, id')
        .select<Array<{ id: string; parent_id: string | null; name: string; level: AgencyLevel }>>('id', 'parent_id', 'name', 'level');
      return rows.map((r) => ({ id: r.id, parentId: r.parent_id, name: r.name, level: r.level }));
    },
    /** Whether `id` is a root agency (no parent); false when unknown. */
    async isRoot(id: string): Promise<boolean> {
      const row = await db('agencies').where({ id }).first<{ parent_id: string | null } | undefined>('parent_id');
      return row !== undefined && row.parent_id === null;
    },
  };
}

export type AgencyStore = ReturnType<typeof createAgencyStore>;

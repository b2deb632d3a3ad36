/** The `agencies` reference table (changed by migrations or an operator, never by the API). */
import type { Db } from './knex.js';

export type AgencyLevel = 'province' | 'department' | 'commune';

export interface AgencyRecord {
  id: string;
  parentId: string | null;
  name: string;
  level: AgencyLevel;
  /** `inspectorate`: the state inspectorate of its level (ADR 0010). */
  kind: string | null;
  /** Closed agencies (ADR 0024) stay listed: their cases moved to `successorId`. */
  closedAt: string | null;
  successorId: string | null;
}

export function createAgencyStore(db: Db) {
  return {
    /** Every agency's id and parent (the tree api/auth/agencies.ts caches). */
    /** Every agency's parent, and whether it is closed (ADR 0024) with its successor. */
    async edges(): Promise<
      Array<{ id: string; parent_id: string | null; closed: boolean; successor_id: string | null }>
    > {
      return db('agencies').select<
        Array<{ id: string; parent_id: string | null; closed: boolean; successor_id: string | null }>
      >('id', 'parent_id', db.raw('closed_at IS NOT NULL AS closed'), 'successor_id');
    },
    /** The agencies of `ids`, parents first. */
    async list(ids: readonly string[]): Promise<AgencyRecord[]> {
      const rows = await db('agencies')
        .whereIn('id', [...ids])
        .orderByRaw('parent_id NULLS FIRST, id')
        .select<
          Array<{
            id: string;
            parent_id: string | null;
            name: string;
            level: AgencyLevel;
            kind: string | null;
            closed_at: Date | null;
            successor_id: string | null;
          }>
        >('id', 'parent_id', 'name', 'level', 'kind', 'closed_at', 'successor_id');
      return rows.map((r) => ({
        id: r.id,
        parentId: r.parent_id,
        name: r.name,
        level: r.level,
        kind: r.kind,
        closedAt: r.closed_at ? r.closed_at.toISOString() : null,
        successorId: r.successor_id,
      }));
    },
    /** Whether `id` is a root agency (no parent); false when unknown. */
    async isRoot(id: string): Promise<boolean> {
      const row = await db('agencies').where({ id }).first<{ parent_id: string | null } | undefined>('parent_id');
      return row !== undefined && row.parent_id === null;
    },
  };
}

export type AgencyStore = ReturnType<typeof createAgencyStore>;

import { createAgencyStore } from '../../db/agencies.js';
import type { Db } from '../../db/knex.js';

/** How long a loaded agency tree is trusted before the next request reloads it (ms). */
export const AGENCY_TREE_TTL_MS = 5_000;
/** An agency id missing from the tree reloads it at most this often (a new agency is seen at once). */
const MISS_RELOAD_MS = 1_000;
const MAX_DEPTH = 32;

interface Tree {
  parentOf: Map<string, string | null>;
  childrenOf: Map<string, string[]>;
  /** Closed agencies (ADR 0024) → their successor. */
  closed: Map<string, string | null>;
  loadedAt: number;
}

/**
 * Agency-tree look-ups used for scoping (a principal sees its own agency's subtree only). Every
 * authenticated request asks for its caller's subtree, so the tree (a few hundred rows at most: a
 * province, its departments and communes) is held in memory and reloaded when older than
 * AGENCY_TREE_TTL_MS, when a look-up names an agency it does not hold (at most once a second), and at
 * once after `invalidate()` (call it after changing `agencies` through this process). Agencies are
 * reference data, changed rarely (the directory routes, ADR 0024, call `invalidate()` after each
 * change): another process's change is seen within the TTL.
 */
export function createAgencyScope(db: Db, opts: { ttlMs?: number; now?: () => number } = {}) {
  const ttl = opts.ttlMs ?? AGENCY_TREE_TTL_MS;
  const now = opts.now ?? Date.now;
  let tree: Tree | undefined;
  let loading: Promise<Tree> | undefined;
  let lastMissReload = 0;
  const store = createAgencyStore(db);

  async function load(): Promise<Tree> {
    const rows = await store.edges();
    const parentOf = new Map<string, string | null>();
    const childrenOf = new Map<string, string[]>();
    const closed = new Map<string, string | null>();
    for (const r of rows) {
      parentOf.set(r.id, r.parent_id);
      if (r.closed) closed.set(r.id, r.successor_id);
      if (r.parent_id !== null) childrenOf.set(r.parent_id, [...(childrenOf.get(r.parent_id) ?? []), r.id]);
    }
    for (const c of childrenOf.values()) c.sort();
    return { parentOf, childrenOf, closed, loadedAt: now() };
  }

  let generation = 0;
  function reload(): Promise<Tree> {
    const gen = generation;
    const p = load()
      .then((t) => {
        if (gen === generation) tree = t; // a load started before invalidate() is not kept
        return t;
      })
      .finally(() => {
        if (loading === p) loading = undefined;
      });
    loading = p;
    return p;
  }

  /** The tree, fresh within the TTL; reloaded (at most once a second) when it lacks one of `ids`. */
  async function current(...ids: string[]): Promise<Tree> {
    const t = tree;
    if (t && now() - t.loadedAt < ttl) {
      if (ids.every((id) => t.parentOf.has(id)) || now() - lastMissReload < MISS_RELOAD_MS) return t;
      lastMissReload = now();
    }
    return loading ?? reload();
  }

  return {
    /** True if `agencyId` is `ancestorId` or below it. Unknown agencies are never within anything. */
    async isWithin(agencyId: string, ancestorId: string): Promise<boolean> {
      const t = await current(agencyId, ancestorId);
      if (!t.parentOf.has(agencyId)) return false;
      let at: string | null | undefined = agencyId;
      for (let depth = 0; at != null && depth <= MAX_DEPTH; depth++) {
        if (at === ancestorId) return true;
        at = t.parentOf.get(at);
      }
      return false;
    },
    /** `agencyId` then its parent, up to the root (none if unknown). */
    async ancestors(agencyId: string): Promise<string[]> {
      const t = await current(agencyId);
      if (!t.parentOf.has(agencyId)) return [];
      const out: string[] = [];
      let at: string | null | undefined = agencyId;
      for (let depth = 0; at != null && depth <= MAX_DEPTH && !out.includes(at); depth++) {
        out.push(at);
        at = t.parentOf.get(at);
      }
      return out;
    },
    /** Ids of `agencyId` and every agency below it, parents before children (none if unknown). */
    async subtree(agencyId: string): Promise<string[]> {
      const t = await current(agencyId);
      if (!t.parentOf.has(agencyId)) return [];
      const out = [agencyId];
      const depth = new Map([[agencyId, 0]]);
      for (let i = 0; i < out.length; i++) {
        const d = depth.get(out[i]!)!;
        if (d >= MAX_DEPTH) continue;
        for (const c of t.childrenOf.get(out[i]!) ?? []) {
          if (depth.has(c)) continue; // a cycle in bad data: each agency once
          depth.set(c, d + 1);
          out.push(c);
        }
      }
      return out;
    },
    /** A closed agency's successor (`{ successorId }`), or null when `agencyId` is open or unknown (ADR 0024). */
    async closure(agencyId: string): Promise<{ successorId: string | null } | null> {
      const t = await current(agencyId);
      return t.closed.has(agencyId) ? { successorId: t.closed.get(agencyId) ?? null } : null;
    },
    /** Forget the loaded tree: the next look-up reads `agencies` again. */
    invalidate(): void {
      generation++;
      tree = undefined;
      loading = undefined;
    },
  };
}

export type AgencyScope = ReturnType<typeof createAgencyScope>;

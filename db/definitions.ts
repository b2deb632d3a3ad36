/**
 * The definition registry store (`process_definitions`): register a validated definition version
 * (immutable once registered), read one, list them, and pick the version a new case runs under.
 */
import {
  hashDefinition, selectDefinition, validateDefinition,
  type DefinitionHash, type ProcessDefinition, type ProcessDefinitionInput, type ValidationError,
} from '../workflows/engine/index.js';
import { ConflictError } from './errors.js';
import type { Db } from './knex.js';

/** A registered definition version. */
export interface DefinitionRecord {
  key: string;
  version: number;
  name: string;
  caseType: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  hash: DefinitionHash;
  registeredAt: string;
  registeredBy: string;
  /** The normalised definition (output of validateDefinition). */
  content: ProcessDefinition;
}

interface DefinitionRow {
  key: string;
  version: number;
  name: string;
  case_type: string;
  effective_from: string;
  effective_to: string | null;
  content: ProcessDefinition;
  hash: string;
  registered_at: Date;
  registered_by: string;
}

function fromRow(r: DefinitionRow): DefinitionRecord {
  return {
    key: r.key, version: r.version, name: r.name, caseType: r.case_type, effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to, hash: r.hash as DefinitionHash, registeredAt: r.registered_at.toISOString(),
    registeredBy: r.registered_by, content: r.content,
  };
}

/** The definition did not validate: every problem names its element. */
export class InvalidDefinition extends Error {
  override name = 'InvalidDefinition';
  constructor(readonly errors: ValidationError[]) {
    super(`invalid process definition: ${errors.map((e) => e.message).join('; ')}`);
  }
}

/** The same key@version is registered with other content (versions are immutable). */
export class DefinitionVersionExists extends ConflictError {
  override name = 'DefinitionVersionExists';
  constructor(readonly key: string, readonly version: number, readonly existingHash: string) {
    super(`definition ${key} version ${version} is already registered with different content (${existingHash}); register a new version`);
  }
}

/** Result of {@link DefinitionStore.register}: `created` is false for an identical re-registration. */
export interface Registration {
  record: DefinitionRecord;
  created: boolean;
}

export interface ListQuery {
  key?: string;
  caseType?: string;
  /** Cursor: `key@version` of the last item seen (rows are ordered by key, then version). */
  after?: { key: string; version: number };
  limit: number;
}

/** Store of registered process definitions. */
// Registered versions never change (the table refuses UPDATE/DELETE), so a record read once can be kept
// for the life of the process; the cache is keyed by key@version and checked against the stored hash.
const recordCache = new Map<string, DefinitionRecord>();
const RECORD_CACHE_MAX = 500;

export function createDefinitionStore(db: Db) {
  const get = async (key: string, version: number): Promise<DefinitionRecord | undefined> => {
    const row = await db<DefinitionRow>('process_definitions').where({ key, version }).first();
    return row ? fromRow(row) : undefined;
  };
  /** `get` through the process-wide cache of immutable versions (the hash guards against another database). */
  const getCached = async (key: string, version: number, hash: string): Promise<DefinitionRecord | undefined> => {
    const hit = recordCache.get(`${key}@${version}`);
    if (hit && hit.hash === hash) return hit;
    const r = await get(key, version);
    if (r) {
      if (recordCache.size >= RECORD_CACHE_MAX) recordCache.clear();
      recordCache.set(`${key}@${version}`, r);
    }
    return r;
  };

  return {
    get,

    /**
     * Validates and registers a definition version. Registering the same key@version with the same
     * content hash again is a no-op (`created: false`); with a different hash it is refused.
     * @throws InvalidDefinition when the definition does not validate.
     * @throws DefinitionVersionExists when key@version exists with other content.
     */
    async register(input: ProcessDefinitionInput | unknown, registeredBy: string): Promise<Registration> {
      const v = validateDefinition(input);
      if (!v.ok) throw new InvalidDefinition(v.errors);
      const d = v.definition;
      const hash = hashDefinition(d);
      const inserted = await db('process_definitions')
        .insert({
          key: d.key, version: d.version, name: d.name, case_type: d.caseType, effective_from: d.effectiveFrom,
          effective_to: d.effectiveTo ?? null, content: JSON.stringify(d), hash, registered_by: registeredBy,
        })
        .onConflict(['key', 'version']).ignore()
        .returning('*') as DefinitionRow[];
      if (inserted[0]) return { record: fromRow(inserted[0]), created: true };
      const existing = (await get(d.key, d.version))!;
      if (existing.hash !== hash) throw new DefinitionVersionExists(d.key, d.version, existing.hash);
      return { record: existing, created: false };
    },

    /** Registered versions ordered by key then version (cursor pagination). */
    async list(q: ListQuery): Promise<DefinitionRecord[]> {
      const rows = await db<DefinitionRow>('process_definitions')
        .modify((b) => {
          if (q.key) b.where('key', q.key);
          if (q.caseType) b.where('case_type', q.caseType);
          if (q.after) b.whereRaw('(key, version) > (?, ?)', [q.after.key, q.after.version]);
        })
        .orderBy([{ column: 'key' }, { column: 'version' }])
        .limit(q.limit);
      return rows.map(fromRow);
    },

    /** Every registered definition (the call-activity resolver of the worker uses them). */
    async all(): Promise<DefinitionRecord[]> {
      return (await db<DefinitionRow>('process_definitions').orderBy([{ column: 'key' }, { column: 'version' }])).map(fromRow);
    },

    /**
     * The version a new case of `caseType` received on `receivedOn` (YYYY-MM-DD, Vietnam) runs
     * under: selectDefinition over the registered versions effective that day.
     */
    async select(caseType: string, receivedOn: string): Promise<DefinitionRecord | undefined> {
      // Headers only (the content of a statutory lifecycle is large); the winner's content comes from the cache.
      const rows = await db('process_definitions')
        .where('case_type', caseType)
        .where('effective_from', '<=', receivedOn)
        .where((b) => b.whereNull('effective_to').orWhere('effective_to', '>', receivedOn))
        .select('key', 'version', 'case_type', 'effective_from', 'effective_to', 'hash') as Array<Pick<DefinitionRow, 'key' | 'version' | 'case_type' | 'effective_from' | 'effective_to' | 'hash'>>;
      const headers = rows.map((r) => ({
        key: r.key, version: r.version, caseType: r.case_type, effectiveFrom: r.effective_from,
        ...(r.effective_to ? { effectiveTo: r.effective_to } : {}), hash: r.hash,
      }));
      const chosen = selectDefinition(headers as unknown as Array<ProcessDefinition & { hash: string }>, { caseType, receivedOn });
      return chosen ? getCached(chosen.key, chosen.version, chosen.hash) : undefined;
    },

    /** A registered version through the process-wide cache (versions are immutable). */
    getCached,
  };
}

export type DefinitionStore = ReturnType<typeof createDefinitionStore>;

/**
 * Registers definitions idempotently at start-up (same key+version+hash: no-op). A built-in whose
 * key+version is registered with a different hash is a start-up error: versions are immutable, so
 * changed content needs a new version number.
 */
export async function registerDefinitions(db: Db, definitions: readonly ProcessDefinitionInput[], by = 'system:builtin'): Promise<{ registered: string[]; unchanged: string[] }> {
  const store = createDefinitionStore(db);
  const registered: string[] = [];
  const unchanged: string[] = [];
  for (const d of definitions) {
    const r = await store.register(d, by);
    (r.created ? registered : unchanged).push(`${r.record.key}@${r.record.version}`);
  }
  return { registered, unchanged };
}

/**
 * The definition registry store (`process_definitions`): register a validated definition version
 * (immutable once registered), read one and list them. The version a new case runs under is chosen by
 * `latestEffective` (workflows/engine/select.ts) over the candidates the case-start statement fetches
 * (db/case-intake.ts).
 */
import {
  hashDefinition,
  validateDefinition,
  type DefinitionHash,
  type ProcessDefinition,
  type ProcessDefinitionInput,
  type ValidationError,
} from '../workflows/engine/index.js';
import type { Knex } from 'knex';
import { selectDefinition } from '../workflows/engine/select.js';
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
  /**
   * The agency that governs this version (ADR 0013): it applies to cases of that agency's subtree
   * only. null = system level (built-ins, system-level registrations): it applies everywhere.
   */
  ownerAgencyId: string | null;
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
  owner_agency_id?: string | null;
}

function fromRow(r: DefinitionRow): DefinitionRecord {
  return {
    key: r.key,
    version: r.version,
    name: r.name,
    caseType: r.case_type,
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    hash: r.hash as DefinitionHash,
    registeredAt: r.registered_at.toISOString(),
    registeredBy: r.registered_by,
    ownerAgencyId: r.owner_agency_id ?? null,
    content: r.content,
  };
}

/** process_definitions with the owning agency (`owner_agency_id`, null = system level). */
const withOwner = (db: Db) =>
  db('process_definitions as d')
    .leftJoin('definition_owners as o', function on() {
      this.on('o.key', 'd.key').andOn('o.version', 'd.version');
    })
    .select('d.*', db.raw('o.agency_id AS owner_agency_id'));

/** Visible to a set of agencies: system level, or owned by one of them. */
const ownedByAnyOf = (agencies: readonly string[]) => (b: Knex.QueryBuilder) =>
  b.whereNull('o.agency_id').orWhereIn('o.agency_id', [...agencies]);

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
  constructor(
    readonly key: string,
    readonly version: number,
    readonly existingHash: string,
  ) {
    super(
      `definition ${key} version ${version} is already registered with different content (${existingHash}); register a new version`,
    );
  }
}

/** Another agency (or the system level) governs this key: its versions are registered by it only. */
export class DefinitionKeyOwned extends ConflictError {
  override name = 'DefinitionKeyOwned';
  constructor(
    readonly key: string,
    readonly owner: string | null,
  ) {
    super(
      `definition key ${key} is governed by ${owner === null ? 'the system level' : `agency ${owner}`}: only it registers versions of this key; choose another key`,
    );
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
  /** Only system-level versions and those owned by one of these agencies (ADR 0013). */
  visibleTo?: readonly string[];
}

/** Store of registered process definitions. */
// Registered versions never change (the table refuses UPDATE/DELETE), so a record read once can be kept
// for the life of the process; the cache is keyed by key@version and checked against the stored hash.
const recordCache = new Map<string, DefinitionRecord>();
const RECORD_CACHE_MAX = 500;

export function createDefinitionStore(db: Db) {
  const get = async (
    key: string,
    version: number,
    visibleTo?: readonly string[],
  ): Promise<DefinitionRecord | undefined> => {
    const row = (await withOwner(db)
      .where({ 'd.key': key, 'd.version': version })
      .modify((b) => {
        if (visibleTo) b.where(ownedByAnyOf(visibleTo));
      })
      .first()) as DefinitionRow | undefined;
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
     * `ownerAgencyId` (ADR 0013): the agency whose subtree the version applies to; null / omitted =
     * system level. Every version of a key has the same owner.
     * @throws InvalidDefinition when the definition does not validate.
     * @throws DefinitionVersionExists when key@version exists with other content.
     * @throws DefinitionKeyOwned when the key's versions belong to another owner.
     */
    async register(
      input: ProcessDefinitionInput | unknown,
      registeredBy: string,
      opts: { ownerAgencyId?: string | null } = {},
    ): Promise<Registration> {
      const v = validateDefinition(input);
      if (!v.ok) throw new InvalidDefinition(v.errors);
      const d = v.definition;
      const hash = hashDefinition(d);
      const owner = opts.ownerAgencyId ?? null;
      return db.transaction(async (trx) => {
        // One registration of a key at a time: the owner check and the insert see the same versions.
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`process_definitions:${d.key}`]);
        const owners = (await trx('process_definitions as d')
          .leftJoin('definition_owners as o', function on() {
            this.on('o.key', 'd.key').andOn('o.version', 'd.version');
          })
          .where('d.key', d.key)
          .distinct(trx.raw('o.agency_id AS owner'))) as Array<{ owner: string | null }>;
        const other = owners.find((o) => o.owner !== owner);
        if (other) throw new DefinitionKeyOwned(d.key, other.owner);
        const inserted = (await trx('process_definitions')
          .insert({
            key: d.key,
            version: d.version,
            name: d.name,
            case_type: d.caseType,
            effective_from: d.effectiveFrom,
            effective_to: d.effectiveTo ?? null,
            content: JSON.stringify(d),
            hash,
            registered_by: registeredBy,
          })
          .onConflict(['key', 'version'])
          .ignore()
          .returning('*')) as DefinitionRow[];
        if (inserted[0]) {
          if (owner !== null)
            await trx('definition_owners').insert({ key: d.key, version: d.version, agency_id: owner });
          return { record: fromRow({ ...inserted[0], owner_agency_id: owner }), created: true };
        }
        const row = (await withOwner(trx).where({ 'd.key': d.key, 'd.version': d.version }).first()) as DefinitionRow;
        const existing = fromRow(row);
        if (existing.hash !== hash) throw new DefinitionVersionExists(d.key, d.version, existing.hash);
        return { record: existing, created: false };
      });
    },

    /** Registered versions ordered by key then version (cursor pagination). */
    async list(q: ListQuery): Promise<DefinitionRecord[]> {
      const rows = (await withOwner(db)
        .modify((b) => {
          if (q.key) b.where('d.key', q.key);
          if (q.caseType) b.where('d.case_type', q.caseType);
          if (q.after) b.whereRaw('(d.key, d.version) > (?, ?)', [q.after.key, q.after.version]);
          if (q.visibleTo) b.where(ownedByAnyOf(q.visibleTo));
        })
        .orderBy([{ column: 'd.key' }, { column: 'd.version' }])
        .limit(q.limit)) as DefinitionRow[];
      return rows.map(fromRow);
    },

    /** Every registered definition (the call-activity resolver of the worker uses them). */
    async all(): Promise<DefinitionRecord[]> {
      return ((await withOwner(db).orderBy([{ column: 'd.key' }, { column: 'd.version' }])) as DefinitionRow[]).map(
        fromRow,
      );
    },

    /** A registered version through the process-wide cache (versions are immutable). */
    /**
     * The version a case of `caseType` received on `receivedOn` runs under, read only (the import's
     * validation and dry run, ADR 0027): the one rule of workflows/engine/select.ts over the versions
     * effective that day, system-level or governed by an agency of `caseAgencyLine` (ADR 0013).
     */
    async select(
      caseType: string,
      receivedOn: string,
      caseAgencyLine?: readonly string[],
    ): Promise<DefinitionRecord | undefined> {
      // Headers only (the content of a statutory lifecycle is large); the winner's content comes from the cache.
      const rows = (await db('process_definitions as d')
        .leftJoin('definition_owners as o', function on() {
          this.on('o.key', 'd.key').andOn('o.version', 'd.version');
        })
        .where('d.case_type', caseType)
        .where('d.effective_from', '<=', receivedOn)
        .where((b) => b.whereNull('d.effective_to').orWhere('d.effective_to', '>', receivedOn))
        .modify((b) => {
          if (caseAgencyLine) b.where(ownedByAnyOf(caseAgencyLine));
        })
        .select('d.key', 'd.version', 'd.case_type', 'd.effective_from', 'd.effective_to', 'd.hash')) as Array<
        Pick<DefinitionRow, 'key' | 'version' | 'case_type' | 'effective_from' | 'effective_to' | 'hash'>
      >;
      const headers = rows.map((r) => ({
        key: r.key,
        version: r.version,
        caseType: r.case_type,
        effectiveFrom: r.effective_from,
        ...(r.effective_to ? { effectiveTo: r.effective_to } : {}),
        hash: r.hash,
      }));
      const chosen = selectDefinition(headers as unknown as Array<ProcessDefinition & { hash: string }>, {
        caseType,
        receivedOn,
      });
      return chosen ? getCached(chosen.key, chosen.version, chosen.hash) : undefined;
    },

    getCached,
  };
}

export type DefinitionStore = ReturnType<typeof createDefinitionStore>;

/**
 * Registers definitions idempotently at start-up (same key+version+hash: no-op). A built-in whose
 * key+version is registered with a different hash is a start-up error: versions are immutable, so
 * changed content needs a new version number.
 */
export async function registerDefinitions(
  db: Db,
  definitions: readonly ProcessDefinitionInput[],
  by = 'system:builtin',
): Promise<{ registered: string[]; unchanged: string[] }> {
  const store = createDefinitionStore(db);
  const registered: string[] = [];
  const unchanged: string[] = [];
  for (const d of definitions) {
    const r = await store.register(d, by);
    (r.created ? registered : unchanged).push(`${r.record.key}@${r.record.version}`);
  }
  return { registered, unchanged };
}

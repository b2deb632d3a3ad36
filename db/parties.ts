import { createHash } from 'node:crypto';
import type { PiiKeyring } from '../platform/pii.js';
import type { Db } from './knex.js';

export const PARTY_ROLES = ['complainant', 'denouncer', 'representative', 'accused', 'related'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** The personal data of a party: only ever stored encrypted. */
export interface PartyIdentity {
  name: string;
  idNumber?: string;
  phone?: string;
  address?: string;
  email?: string;
  isRepresentative?: boolean;
}

export interface PartyRecord {
  id: string;
  caseId: string;
  position: number;
  role: PartyRole;
  identity: PartyIdentity;
}

interface PartyRow {
  id: string;
  case_id: string;
  position: number;
  role: PartyRole;
  kid: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * Deterministic party id (case id + position), so that a retried case creation stores each party
 * once. Formatted like a UUID; it reveals nothing about the party.
 */
export function partyId(caseId: string, position: number): string {
  const h = createHash('sha256').update(`party:${caseId}:${position}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// The ciphertext is bound to its row (id, case, role): a row copied or re-labelled fails to decrypt.
const aadOf = (r: { id: string; case_id: string; role: string }) => `${r.id}|${r.case_id}|${r.role}`;

export type SealedPartyRow = PartyRow;

/**
 * The INSERT of sealed party rows as a CTE `<name>` to put in a statement's WITH list (idempotent per
 * case + position, like `addAll`); `when`: an SQL condition under which the rows are stored.
 */
export function partiesInsertCte(
  rows: readonly SealedPartyRow[],
  name = 'parties_ins',
  when?: string,
): { sql: string; bindings: Array<string | number | Buffer> } {
  const values = rows
    .map(() => '(?::text, ?::text, ?::int, ?::text, ?::text, ?::bytea, ?::bytea, ?::bytea)')
    .join(', ');
  return {
    sql: `${name} AS (
        INSERT INTO parties (id, case_id, position, role, kid, iv, tag, ciphertext)
        SELECT * FROM (VALUES ${values}) v${when ? ` WHERE ${when}` : ''}
        ON CONFLICT (id) DO NOTHING
      )`,
    bindings: rows.flatMap((r) => [r.id, r.case_id, r.position, r.role, r.kid, r.iv, r.tag, r.ciphertext]),
  };
}

/** Store of parties, sealing personal data with AES-256-GCM before it reaches the database. */
export function createPartyStore(db: Db, keys: PiiKeyring) {
  /** The rows of a case's parties, personal data sealed (bound to id, case and role). */
  const sealAll = (
    caseId: string,
    parties: ReadonlyArray<{ role: PartyRole; identity: PartyIdentity }>,
  ): SealedPartyRow[] =>
    parties.map((p, position) => {
      const id = partyId(caseId, position);
      const s = keys.seal(JSON.stringify(p.identity), aadOf({ id, case_id: caseId, role: p.role }));
      return {
        id,
        case_id: caseId,
        position,
        role: p.role,
        kid: s.kid,
        iv: s.iv,
        tag: s.tag,
        ciphertext: s.ciphertext,
      };
    });
  return {
    sealAll,

    /** Stores the parties of a case (idempotent per case + position); returns their references. */
    async addAll(
      caseId: string,
      parties: Array<{ role: PartyRole; identity: PartyIdentity }>,
      trx: Db = db,
    ): Promise<Array<{ id: string; role: PartyRole }>> {
      if (parties.length === 0) return [];
      const rows = sealAll(caseId, parties);
      await trx('parties').insert(rows).onConflict('id').ignore();
      return rows.map((r) => ({ id: r.id, role: r.role }));
    },

    /**
     * Parties of a case, decrypted (callers decide what to reveal). A linked case (started by its
     * parent's workflow) shares the party set of the case it descends from (`cases.party_case_id`):
     * the rows stay where intake sealed them, bound to that case.
     */
    async forCase(caseId: string): Promise<PartyRecord[]> {
      const rows = await db<PartyRow>('parties')
        .whereRaw('case_id = COALESCE((SELECT party_case_id FROM cases WHERE id = ?), ?)', [caseId, caseId])
        .orderBy('position');
      return rows.map((r) => ({
        id: r.id,
        caseId: r.case_id,
        position: r.position,
        role: r.role,
        identity: JSON.parse(
          keys.open({ kid: r.kid, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext }, aadOf(r)),
        ) as PartyIdentity,
      }));
    },
  };
}

export type PartyStore = ReturnType<typeof createPartyStore>;

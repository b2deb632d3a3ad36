import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from './knex.js';

const scryptAsync = promisify(scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: { N: number; r: number; p: number },
) => Promise<Buffer>;
const PARAMS = { N: 1 << 14, r: 8, p: 1 };

async function hashPin(pin: string, salt = randomBytes(16)): Promise<string> {
  const h = await scryptAsync(pin, salt, 32, PARAMS);
  return `scrypt$${salt.toString('base64url')}$${h.toString('base64url')}`;
}

async function checkPin(pin: string, stored: string): Promise<boolean> {
  const [, salt, hash] = stored.split('$');
  const h = await scryptAsync(pin, Buffer.from(salt ?? '', 'base64url'), 32, PARAMS);
  const want = Buffer.from(hash ?? '', 'base64url');
  return want.length === h.length && timingSafeEqual(h, want);
}

/**
 * The citizen PIN printed on the receipt notice: 8 digits derived from the case id under a server
 * key (so a retried, idempotent creation shows the same PIN without storing it), kept only as a keyed
 * hash for the look-up (see createCasePinStore).
 */
export function derivePin(key: Buffer, caseId: string): string {
  const mac = createHmac('sha256', key).update(`citizen-pin:${caseId}`).digest();
  return String(mac.readUInt32BE(0) % 100_000_000).padStart(8, '0');
}

const DUMMY = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** The server keys PINs are checked under (the PII keyring: a PIN is only as guessable as this key is secret). */
export interface PinKeys {
  readonly currentKid: string;
  key(kid: string): Buffer;
}

function pinMac(keys: PinKeys, kid: string, reference: string, pin: string): Buffer {
  return createHmac('sha256', keys.key(kid)).update(`pin-check:${reference}:${pin}`).digest();
}

/**
 * Citizen PIN store. With `keys`, a PIN is kept as HMAC-SHA256 under a server key (`hmac$<kid>$<mac>`):
 * a stolen table cannot be brute-forced offline without the key, and storing costs microseconds instead of
 * scrypt's ~40 ms of CPU per case (which capped case intake). Online guessing is bounded by the public
 * look-up rate limit. Rows written without keys (older data) are slow salted scrypt hashes; both are checked.
 */
export function createCasePinStore(db: Db, keys?: PinKeys) {
  async function verify(reference: string, pin: string, stored: string): Promise<boolean> {
    if (stored.startsWith('hmac$') && keys) {
      const [, kid, mac] = stored.split('$');
      let got: Buffer;
      try {
        got = pinMac(keys, kid ?? '', reference, pin);
      } catch {
        return false; // key id no longer configured
      }
      const want = Buffer.from(mac ?? '', 'base64url');
      return want.length === got.length && timingSafeEqual(got, want);
    }
    return checkPin(pin, stored);
  }
  /** What is stored for `pin` (never the PIN itself). */
  async function pinHashOf(reference: string, pin: string): Promise<string> {
    return keys
      ? `hmac$${keys.currentKid}$${pinMac(keys, keys.currentKid, reference, pin).toString('base64url')}`
      : hashPin(pin);
  }
  return {
    async put(reference: string, caseId: string, pin: string, trx: Db = db): Promise<void> {
      await trx('case_pins')
        .insert({ reference, case_id: caseId, pin_hash: await pinHashOf(reference, pin) })
        .onConflict('reference')
        .ignore();
    },
    /**
     * `put` as a CTE `<name>` to put in a statement's WITH list; `when`: an SQL condition under which
     * the PIN is stored.
     */
    async insertCte(
      reference: string,
      caseId: string,
      pin: string,
      name = 'pin_ins',
      when?: string,
    ): Promise<{ sql: string; bindings: string[] }> {
      return {
        sql: `${name} AS (
            INSERT INTO case_pins (reference, case_id, pin_hash) SELECT ?::text, ?::text, ?::text${when ? ` WHERE ${when}` : ''}
            ON CONFLICT (reference) DO NOTHING
          )`,
        bindings: [reference, caseId, await pinHashOf(reference, pin)],
      };
    },
    /**
     * The PIN printed for case `caseId` under `reference`, for reprinting a receipt or acceptance
     * notice: derived again from the case id under the key its stored hash names (`hmac$<kid>$`),
     * and checked against that hash. A case with no PIN stored yet gets one now (derived under the
     * current key). `undefined` when the stored hash cannot give it back (a legacy scrypt row, or its
     * key no longer configured): only a new case number would do.
     */
    async issued(reference: string, caseId: string, trx: Db = db): Promise<string | undefined> {
      if (!keys) return undefined;
      const row = await trx('case_pins')
        .where({ reference })
        .first<{ case_id: string; pin_hash: string } | undefined>();
      if (!row) {
        const pin = derivePin(keys.key(keys.currentKid), caseId);
        await trx('case_pins')
          .insert({ reference, case_id: caseId, pin_hash: await pinHashOf(reference, pin) })
          .onConflict('reference')
          .ignore();
        return (await this.check(reference, pin)) === caseId ? pin : undefined;
      }
      if (row.case_id !== caseId || !row.pin_hash.startsWith('hmac$')) return undefined;
      let pin: string;
      try {
        pin = derivePin(keys.key(row.pin_hash.split('$')[1] ?? ''), caseId);
      } catch {
        return undefined; // key id no longer configured
      }
      return (await verify(reference, pin, row.pin_hash)) ? pin : undefined;
    },
    /**
     * The case id if the reference exists and the PIN matches; otherwise undefined. An unknown
     * reference costs the same hash as a wrong PIN, so timing does not reveal which it was.
     */
    async check(reference: string, pin: string): Promise<string | undefined> {
      const row = await db('case_pins').where({ reference }).first<{ case_id: string; pin_hash: string } | undefined>();
      const ok = await verify(reference, pin, row?.pin_hash ?? (keys ? `hmac$${keys.currentKid}$` : DUMMY));
      return row && ok ? row.case_id : undefined;
    },
  };
}

/**
 * Stores the citizen PIN of a linked case (ADR 0012) — a case started by its parent's workflow (a letter
 * accepted as a complaint, KN 2011 Art 27) gets no `POST /v1/cases` and so no PIN from it. Its PIN is
 * derived from its own case id exactly like POST's ({@link derivePin} under the current key), so the
 * acceptance notice sent to the complainant (KN 2011 Art 27; TC 2018 Art 29(3); Mẫu 03 of NĐ 124/155)
 * can print the new reference and PIN; only the keyed hash is stored, idempotently (`ON CONFLICT DO
 * NOTHING`), in the caller's transaction (the projection's that creates the case's `cases` row).
 */
export async function putDerivedPin(trx: Db, keys: PinKeys, reference: string, caseId: string): Promise<void> {
  await createCasePinStore(trx, keys).put(reference, caseId, derivePin(keys.key(keys.currentKid), caseId), trx);
}

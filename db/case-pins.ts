import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from './knex.js';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number }) => Promise<Buffer>;
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
 * key (so a retried, idempotent creation shows the same PIN without storing it), kept only as a slow
 * salted hash for the look-up.
 */
export function derivePin(key: Buffer, caseId: string): string {
  const mac = createHmac('sha256', key).update(`citizen-pin:${caseId}`).digest();
  return String(mac.readUInt32BE(0) % 100_000_000).padStart(8, '0');
}

const DUMMY = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function createCasePinStore(db: Db) {
  return {
    async put(reference: string, caseId: string, pin: string, trx: Db = db): Promise<void> {
      await trx('case_pins').insert({ reference, case_id: caseId, pin_hash: await hashPin(pin) }).onConflict('reference').ignore();
    },
    /**
     * The case id if the reference exists and the PIN matches; otherwise undefined. An unknown
     * reference costs the same hash as a wrong PIN, so timing does not reveal which it was.
     */
    async check(reference: string, pin: string): Promise<string | undefined> {
      const row = await db('case_pins').where({ reference }).first<{ case_id: string; pin_hash: string } | undefined>();
      const ok = await checkPin(pin, row?.pin_hash ?? DUMMY);
      return row && ok ? row.case_id : undefined;
    },
  };
}

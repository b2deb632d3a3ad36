import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivePin } from '../../db/case-pins.js';
import { partyId } from '../../db/parties.js';
import { createPiiKeyring, generatePiiKeySpec, parsePiiKeys, PiiKeyError } from '../../platform/pii.js';

const k = () => randomBytes(32).toString('base64');

describe('PII keyring (AES-256-GCM with key ids)', () => {
  it('seals with the first key and opens with any configured key', () => {
    const old = createPiiKeyring(`old:${k()}`);
    const sealed = old.seal('Nguyễn Văn A', 'row-1');
    expect(sealed.kid).toBe('old');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('Nguyễn');
    const oldSpec = `old:${old.key('old').toString('base64')}`;
    const rotated = createPiiKeyring(`new:${k()},${oldSpec}`);
    expect(rotated.currentKid).toBe('new');
    expect(rotated.open(sealed, 'row-1')).toBe('Nguyễn Văn A');
    expect(rotated.seal('x', 'r').kid).toBe('new');
  });

  it('an unknown key id is a clear error', () => {
    const sealed = createPiiKeyring(`a:${k()}`).seal('secret', 'r');
    expect(() => createPiiKeyring(`b:${k()}`).open(sealed, 'r')).toThrow(/no PII key with id "a" is configured/);
    expect(() => createPiiKeyring(`b:${k()}`).open(sealed, 'r')).toThrow(PiiKeyError);
  });

  it("altered ciphertext, a wrong key under the same id, or another row's AAD fail authentication", () => {
    const ring = createPiiKeyring(`a:${k()}`);
    const s = ring.seal('secret', 'row-1');
    expect(() => ring.open(s, 'row-2')).toThrow(/failed authentication/);
    expect(() =>
      ring.open({ ...s, ciphertext: Buffer.from(s.ciphertext.map((b, i) => (i === 0 ? b ^ 1 : b))) }, 'row-1'),
    ).toThrow(/failed authentication/);
    expect(() => createPiiKeyring(`a:${k()}`).open(s, 'row-1')).toThrow(/failed authentication/);
  });

  it('rejects malformed PII_KEYS with the reason', () => {
    expect(() => parsePiiKeys('')).toThrow(/no key/);
    expect(() => parsePiiKeys('nokid')).toThrow(/kid:base64key/);
    expect(() => parsePiiKeys(`a:${randomBytes(16).toString('base64')}`)).toThrow(/32 bytes/);
    expect(() => parsePiiKeys(`a:${k()},a:${k()}`)).toThrow(/duplicate/);
    expect(parsePiiKeys(generatePiiKeySpec('x'))[0]!.kid).toBe('x');
  });

  it('party ids and PINs are deterministic per case, and differ across cases', () => {
    expect(partyId('c1', 0)).toBe(partyId('c1', 0));
    expect(partyId('c1', 0)).not.toBe(partyId('c1', 1));
    expect(partyId('c1', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const key = randomBytes(32);
    expect(derivePin(key, 'c1')).toMatch(/^\d{8}$/);
    expect(derivePin(key, 'c1')).toBe(derivePin(key, 'c1'));
    expect(derivePin(key, 'c1')).not.toBe(derivePin(key, 'c2'));
  });
});

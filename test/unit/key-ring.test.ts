import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditKeyError, parseAuditKeys } from '../../db/audit-keys.js';
import {
  AuditSigningKeyError,
  generateAuditSigningKeySpec,
  parseAuditSigningKeys,
} from '../../db/audit-checkpoints.js';
import { parsePiiKeys, PiiKeyError } from '../../platform/pii.js';

const k32 = () => randomBytes(32).toString('base64');

/** The three key lists share one parser (platform/key-ring.ts); each names its own variable and error class. */
describe('key lists (PII_KEYS, AUDIT_HMAC_KEYS, AUDIT_SIGNING_KEYS)', () => {
  it.each([
    ['PII_KEYS', parsePiiKeys, PiiKeyError],
    ['AUDIT_HMAC_KEYS', parseAuditKeys, AuditKeyError],
  ] as const)('%s: 32-byte keys, the first current, each mistake named', (variable, parse, Err) => {
    const [a, b] = [k32(), k32()];
    expect(parse(` a:${a} , b-2:${b} `).map((x) => [x.kid, x.key.toString('base64')])).toEqual([
      ['a', a],
      ['b-2', b],
    ]);
    expect(() => parse('')).toThrow(new Err(`${variable} has no key`));
    expect(() => parse('nokid')).toThrow(new Err(`${variable} entries must be kid:base64key`));
    expect(() => parse(`bad kid:${a}`)).toThrow(
      new Err(`${variable} key id "bad kid" must be 1-32 letters, digits, dash or underscore`),
    );
    expect(() => parse(`a:${randomBytes(16).toString('base64')}`)).toThrow(
      new Err(`${variable} key "a" must be 32 bytes (base64), got 16`),
    );
    expect(() => parse(`a:${a},a:${b}`)).toThrow(new Err(`${variable} has a duplicate key id`));
  });

  it('AUDIT_SIGNING_KEYS: Ed25519 PKCS#8 DER keys', () => {
    const spec = `${generateAuditSigningKeySpec('s1')},${generateAuditSigningKeySpec('s2')}`;
    expect(parseAuditSigningKeys(spec).map((x) => [x.kid, x.key.asymmetricKeyType])).toEqual([
      ['s1', 'ed25519'],
      ['s2', 'ed25519'],
    ]);
    const Err = AuditSigningKeyError;
    expect(() => parseAuditSigningKeys('')).toThrow(new Err('AUDIT_SIGNING_KEYS has no key'));
    expect(() => parseAuditSigningKeys('x')).toThrow(
      new Err('AUDIT_SIGNING_KEYS entries must be kid:base64(PKCS#8 DER)'),
    );
    expect(() => parseAuditSigningKeys(`s:${k32()}`)).toThrow(
      new Err('AUDIT_SIGNING_KEYS key "s" is not a PKCS#8 DER private key (base64)'),
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    expect(() => parseAuditSigningKeys(`r:${rsa}`)).toThrow(
      new Err('AUDIT_SIGNING_KEYS key "r" must be Ed25519, got rsa'),
    );
    expect(() =>
      parseAuditSigningKeys(`${generateAuditSigningKeySpec('s')},${generateAuditSigningKeySpec('s')}`),
    ).toThrow(new Err('AUDIT_SIGNING_KEYS has a duplicate key id'));
  });
});

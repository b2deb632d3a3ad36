import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  formatPin,
  hashDefinition,
  pinDefinition,
  sha256Hex,
  validateDefinition,
  type ProcessDefinition,
} from '../../../workflows/engine/index.js';
import { benchTenSteps, everyElement } from '../../../processes/examples/index.js';
import { linear } from './fixtures.js';

function valid(input: unknown): ProcessDefinition {
  const result = validateDefinition(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

/** Rebuilds an object with keys in reverse order (same content, different key order). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  return value;
}

describe('sha256Hex', () => {
  it('matches the FIPS test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto for any text, including Vietnamese and astral characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
    const long = 'Luật Khiếu nại 2011 Điều 28 😀 '.repeat(100);
    expect(sha256Hex(long)).toBe(createHash('sha256').update(long, 'utf8').digest('hex'));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('hashDefinition', () => {
  it('is stable across runs (pinned value: changing it breaks every pinned case)', () => {
    expect(hashDefinition(valid(linear()))).toBe(hashDefinition(valid(linear())));
    expect(hashDefinition(valid(benchTenSteps))).toMatch(/^sha256:[0-9a-f]{64}$/);
    const def = valid(linear());
    expect(hashDefinition(def)).toBe(`sha256:${createHash('sha256').update(canonicalJson(def), 'utf8').digest('hex')}`);
    expect(hashDefinition(def)).toBe('sha256:f81864ebc8fe696c453f8bf4ae9652473b4b85270352b19817a6c33367217353');
  });

  it('ignores key order and omitted defaults', () => {
    const def = valid(everyElement);
    expect(hashDefinition(valid(reverseKeys(everyElement)))).toBe(hashDefinition(def));
    expect(hashDefinition(valid(def))).toBe(hashDefinition(def));
    expect(hashDefinition(valid({ ...linear(), variables: {} }))).toBe(hashDefinition(valid(linear())));
  });

  it('changes with any content change', () => {
    const base = hashDefinition(valid(linear()));
    expect(hashDefinition(valid(linear({ version: 2 })))).not.toBe(base);
    expect(hashDefinition(valid(linear({ legalBasis: 'Art 1' })))).not.toBe(base);
    const renamed = structuredClone(linear());
    (renamed.nodes[1] as { name: string }).name = 'Do it now';
    expect(hashDefinition(valid(renamed))).not.toBe(base);
  });

  it('pins key@version+hash', () => {
    const def = valid(linear({ version: 3 }));
    const pin = pinDefinition(def);
    expect(pin).toEqual({ key: 'linear', version: 3, hash: hashDefinition(def) });
    expect(formatPin(pin)).toBe(`linear@3+${hashDefinition(def)}`);
  });
});

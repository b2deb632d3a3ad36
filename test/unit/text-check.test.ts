import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cursor, IsoInstant, isSortKey } from '../../api/schemas.js';
import { jsonTextProblem, MAX_JSON_DEPTH, sanitizeJsonText, textProblem } from '../../workflows/text-check.js';

describe('text rules (ADR 0016)', () => {
  it('refuses NUL, C0 (but tab/LF/CR in multi-line values), DEL, C1 and lone surrogates; accepts Vietnamese text and paired surrogates', () => {
    for (const c of [
      '\u0000',
      '\u0001',
      '\u0008',
      '\u000b',
      '\u000c',
      '\u001f',
      '\u007f',
      '\u0080',
      '\u0085',
      '\u009f',
    ]) {
      expect(textProblem(`a${c}b`, true), JSON.stringify(c)).not.toBeNull();
      expect(textProblem(`a${c}b`, false), JSON.stringify(c)).not.toBeNull();
    }
    for (const c of ['\t', '\n', '\r']) {
      expect(textProblem(`a${c}b`, true)).toBeNull();
      expect(textProblem(`a${c}b`, false)).not.toBeNull();
    }
    expect(textProblem('x\ud800', true)).toMatch(/surrogate/);
    expect(textProblem('\udc00x', true)).toMatch(/surrogate/);
    expect(textProblem('\udc00\ud800', true)).toMatch(/surrogate/);
    expect(textProblem('Tố cáo 😀 Điều 29 — “khoản 3”', false)).toBeNull();
  });

  it('agrees with String.prototype.isWellFormed on surrogates, over random UTF-16 strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
        // eslint-disable-next-line no-control-regex
        const controls = /[\u0000-\u001F\u007F-\u009F]/.test(s);
        expect(textProblem(s, false) === null).toBe(
          !controls && (s as unknown as { isWellFormed(): boolean }).isWellFormed(),
        );
      }),
      { numRuns: 5_000 },
    );
  });

  it('walks a body: names the field, refuses keys, non-finite numbers and nesting past the limit (20,000 deep without overflow)', () => {
    expect(jsonTextProblem({ data: { competentBodyRef: 'a\u0000b' } })).toEqual({
      path: 'data.competentBodyRef',
      message: expect.any(String),
    });
    expect(jsonTextProblem({ parties: [{ name: 'ok' }, { name: 'x\ud800' }] })?.path).toBe('parties.1.name');
    expect(jsonTextProblem({ data: { ['k\u0000']: 1 } })?.path).toBe('data.(key)');
    expect(jsonTextProblem({ n: Infinity })?.path).toBe('n');
    const deep = JSON.parse(`{"data":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`) as unknown;
    expect(jsonTextProblem(deep)?.message).toMatch(/nested deeper/);
    let ok: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i++) ok = [ok]; // MAX_JSON_DEPTH arrays: allowed; one more: refused
    expect(jsonTextProblem(ok)).toBeNull();
    expect(jsonTextProblem([ok])).not.toBeNull();
    expect(jsonTextProblem({ summary: 'dòng 1\r\ndòng 2\tcột', n: 1.5, b: true, z: null })).toBeNull();
  });

  it('sanitizes what PostgreSQL refuses, and leaves clean values equal', () => {
    expect(sanitizeJsonText({ a: 'x\u0000y', b: ['\ud800'], c: 'ok\n', ['k\u0001']: 1 })).toEqual({
      a: 'x\uFFFDy',
      b: ['\uFFFD'],
      c: 'ok\n',
      ['k\uFFFD']: 1,
    });
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const s = sanitizeJsonText(v);
        expect(jsonTextProblem(s, '', 1000)).toBeNull();
      }),
      { numRuns: 500 },
    );
    const clean = { a: 'Tố cáo', b: [1, { c: 'd' }] };
    expect(sanitizeJsonText(clean)).toEqual(clean);
  });

  it("instants: offsets up to ±15:59 (PostgreSQL's limit) and years from 1900", () => {
    for (const s of [
      '2026-07-01T09:30:00+07:00',
      '2026-07-01T09:30:00Z',
      '2026-07-01T09:30:00-15:59',
      '1900-01-01T00:00Z',
    ])
      expect(IsoInstant.safeParse(s).success, s).toBe(true);
    for (const s of [
      '2026-07-01T09:30:00+16:00',
      '2026-07-01T09:30:00+19:61',
      '2026-07-01T09:30:00+15:60',
      '0000-01-01T00:00:00Z',
      '1899-12-31T23:59:59Z',
    ]) {
      expect(IsoInstant.safeParse(s).success, s).toBe(false);
    }
  });

  it('cursors: PostgreSQL timestamptz text and ISO instants; never a week date, year 0, a foreign offset or a control character', () => {
    for (const k of [
      '2026-07-01 02:30:00.123456+00',
      '2026-07-01 09:30:00+07',
      '2026-07-01 09:30:00+07:00',
      '2026-07-01T02:30:00.000Z',
      'infinity',
      '-infinity',
      '2024-02-29 00:00:00+00',
    ]) {
      expect(isSortKey(k), k).toBe(true);
    }
    for (const k of [
      '2026-W05-3',
      '0000-01-01 00:00:00+00',
      '2026-07-01 00:00:00+19',
      '2026-02-30 00:00:00+00',
      '2026-02-29 00:00:00+00',
      '2026-07-01 24:00:00+00',
      '2026-13-01',
      'now',
      '',
    ]) {
      expect(isSortKey(k), k).toBe(false);
    }
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(Cursor.safeParse(enc({ k: '2026-07-01 02:30:00+00', id: 'a' })).success).toBe(true);
    expect(Cursor.safeParse(enc({ k: '2026-W05-3', id: 'a' })).success).toBe(false);
    expect(Cursor.safeParse(enc({ k: '2026-07-01 02:30:00+00', id: 'a\u0000' })).success).toBe(false);
    expect(Cursor.safeParse(enc({ k: '2026-07-01 02:30:00+00', id: 'a', t: 5 })).success).toBe(false);
    expect(Cursor.safeParse(enc([1])).success).toBe(false);
  });
});

/**
 * Issue 10 item 5: the OpenAPI document must work with generated clients. Validated with a real
 * OpenAPI 3.1 validator (@seriousme/openapi-schema-validator); every `pattern` must be an ECMA-262
 * pattern without a `/…/flags` wrapper (JSON Schema 2020-12 patterns are Unicode-aware: compiled with
 * the `u` flag); and, as a generated client would, every documented request example must validate
 * against its own request schema (Ajv, JSON Schema 2020-12) — a `…$/u` pattern made every value fail.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/app.js';

type Json = Record<string, unknown>;
const doc = openApiDocument() as {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};

/** Every `pattern` keyword of a schema in the document, with where it is. */
function patterns(
  v: unknown,
  at = '#',
  out: Array<{ at: string; pattern: string }> = [],
): Array<{ at: string; pattern: string }> {
  if (Array.isArray(v)) v.forEach((x, i) => patterns(x, `${at}/${i}`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'pattern' && typeof x === 'string') out.push({ at, pattern: x });
      else patterns(x, `${at}/${k}`, out);
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const res = await validator.validate(JSON.parse(JSON.stringify(doc)) as never);
    expect(res.errors ?? [], String(JSON.stringify(res.errors)).slice(0, 2000)).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('every pattern compiles as a Unicode ECMA-262 pattern and none carries a /…/flags wrapper', () => {
    const all = patterns(doc);
    expect(all.length).toBeGreaterThan(10);
    for (const { at, pattern } of all) {
      expect(() => new RegExp(pattern, 'u'), `${at}: ${pattern}`).not.toThrow();
      expect(pattern, at).not.toMatch(/\/[dgimsuvy]+$/);
      expect(pattern, at).not.toMatch(/^\//);
    }
    // The four values the acceptance run named are documented with their plain source.
    const code = '^[\\p{L}\\p{N}_./:#-]+$';
    expect(all.filter((p) => p.pattern === code).length).toBeGreaterThanOrEqual(4);
  });

  it('a generated client (JSON Schema 2020-12, Ajv) accepts every documented request example', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components } as never);
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const media = (op.requestBody as { content?: Record<string, { schema: Json; example?: unknown }> } | undefined)
          ?.content?.['application/json'];
        if (!media || media.example === undefined) continue;
        const schema = JSON.parse(
          JSON.stringify(media.schema).replace(/"#\/components\//g, '"doc#/components/'),
        ) as Json;
        const validate = ajv.compile(schema);
        expect(validate(media.example), `${method.toUpperCase()} ${path}: ${JSON.stringify(validate.errors)}`).toBe(
          true,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('the four legal-event fields accept Vietnamese codes and refuse spaces, as the API does', () => {
    const ajv = new Ajv2020({ strict: false });
    const withPattern = patterns(doc).find((p) => p.pattern.includes('\\p{L}'))!;
    const validate = ajv.compile({ type: 'string', pattern: withPattern.pattern });
    expect(validate('15/QĐ-TTr')).toBe(true);
    expect(validate('Điều_29')).toBe(true);
    expect(validate('a b')).toBe(false);
  });
});

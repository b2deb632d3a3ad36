/**
 * Drives every operation of /openapi.json with generated invalid input (fast-check): malformed
 * JSON, wrong types, unknown fields, huge strings, invalid dates, unknown ids, unknown query
 * parameters — with a valid admin credential. Nothing may answer 5xx, and no table may gain or lose
 * a row. Operations are read from the served document, so a new route is covered without edits here.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../support/auth.js';
import { seedCase, startTestApi, tableCounts, type TestApi } from '../support/api.js';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; enum?: unknown[]; format?: string; $ref?: string; items?: Schema; pattern?: string; maxLength?: number };
type Operation = { parameters?: Array<{ name: string; in: string; schema: Schema; required?: boolean }>; requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> } };
interface BadRequest { label: string; path: string; query: string; body?: string }

const HUGE = 'x'.repeat(100_000);
const INVALID_DATES = ['2026-02-30T10:00:00+07:00', '2026-13-01T00:00:00Z', '2026-07-01T25:00:00+07:00', '2026-07-01', 'hôm qua', '0000-00-00T00:00:00Z', ''];

let api: TestApi;
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
let admin: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi();
  await seedCase(api.tdb.db, { id: randomUUID(), agencyId: 'so-tnmt' });
  admin = await authHeader({ roles: ['admin', 'system_admin'], agency: 'tinh-demo', permissions: ['identity:read'] });
  doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as typeof doc;
});
afterAll(async () => {
  await api?.close();
});

const resolve = (s: Schema): Schema => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!]! : s);
const typeOf = (s: Schema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/** Values that the schema must reject (never the right type; for enums, a value outside them). */
function wrongFor(s0: Schema): fc.Arbitrary<unknown> {
  const s = resolve(s0);
  const t = typeOf(s);
  const common = [fc.constant(null), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 })];
  if (s.format === 'date-time') return fc.oneof(fc.constantFrom(...INVALID_DATES), fc.integer(), ...common);
  if (s.enum) return fc.oneof(fc.string({ maxLength: 30 }).filter((x) => !s.enum!.includes(x)), fc.integer(), ...common);
  if (t === 'string') return fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(HUGE), ...common);
  if (t === 'boolean') return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant('true'), ...common);
  if (t === 'integer' || t === 'number') return fc.oneof(fc.string({ maxLength: 10 }), fc.boolean(), fc.constant(1e308 * 10), ...common);
  if (t === 'array') return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant({}), fc.constant([HUGE]), fc.constant([1, true, null]));
  return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant([]));
}

const malformedJson = fc.oneof(
  fc.constantFrom('{', '{"type":', '{"a":1,}', "{'a':1}", 'nul', '[1,2', '{"a":"\\u12"}', '\u0000', '{"a":1}}'),
  fc.string({ maxLength: 40 }).map((s) => `{${s}`).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }),
);
const notAnObject = fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 })).map((v) => JSON.stringify(v));
const idLike = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('..', '%2e%2e', 'x'.repeat(3000), 'TC-2026-0000000000', 'ak_0000000000000000', "1' OR '1'='1"));

function requestsFor(method: string, path: string, op: Operation): fc.Arbitrary<BadRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const fillPath = (values: string[]) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, encodeURIComponent(values[i]!)), path);
  const anyPath = fc.tuple(...pathParams.map(() => idLike)).map(fillPath);
  // Valid-looking query for the others when testing one parameter (e.g. a PIN with an unknown reference).
  const okQuery = (except?: string) => queryParams.filter((q) => q.required && q.name !== except).map((q) => `${q.name}=${q.name === 'pin' ? '12345678' : '1'}`);
  const q = (parts: string[]) => (parts.length ? `?${parts.join('&')}` : '');
  const media = op.requestBody?.content['application/json'];
  const example = (media?.example ?? {}) as Record<string, unknown>;
  const bodySchema = media ? resolve(media.schema) : undefined;
  const props = Object.entries(bodySchema?.properties ?? {});

  const arbs: Array<fc.Arbitrary<BadRequest>> = [
    // Unknown ids (always with a valid query), or an unknown query parameter.
    ...(pathParams.length ? [anyPath.map((p) => ({ label: 'unknown id', path: p, query: q(okQuery()), body: media ? JSON.stringify(example) : undefined }))] : []),
    fc.tuple(anyPath, fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !queryParams.some((p) => p.name === k)), fc.string({ maxLength: 12 }))
      .map(([p, k, v]) => ({ label: 'unknown query parameter', path: p, query: q([...okQuery(), `${encodeURIComponent(k)}=${encodeURIComponent(v)}`]), body: media ? JSON.stringify(example) : undefined })),
    ...queryParams.map((qp) => fc.tuple(anyPath, wrongFor(qp.schema)).map(([p, v]) => ({
      label: `wrong query ${qp.name}`, path: p, query: q([...okQuery(qp.name), `${qp.name}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`]),
    }))),
  ];
  if (media) {
    arbs.push(
      fc.tuple(anyPath, malformedJson).map(([p, b]) => ({ label: 'malformed JSON', path: p, query: q(okQuery()), body: b })),
      fc.tuple(anyPath, notAnObject).map(([p, b]) => ({ label: 'not an object', path: p, query: q(okQuery()), body: b })),
      fc.tuple(anyPath, fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !props.some(([n]) => n === k) && k !== '__proto__'), fc.jsonValue({ maxDepth: 2 }))
        .map(([p, k, v]) => ({ label: 'unknown field', path: p, query: q(okQuery()), body: JSON.stringify({ ...example, [k]: v }) })),
    );
    if (props.length) {
      arbs.push(fc.tuple(anyPath, fc.constantFrom(...props)).chain(([p, [name, s]]) => wrongFor(s).map((v) => ({
        label: `wrong ${name}`, path: p, query: q(okQuery()), body: JSON.stringify({ ...example, [name]: v }),
      }))));
    }
  } else if (method !== 'get') {
    // An operation without a body must refuse one.
    arbs.push(fc.tuple(anyPath, fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 }))
      .map(([p, b]) => ({ label: 'unexpected body', path: p, query: q(okQuery()), body: JSON.stringify(b) })));
  }
  return fc.oneof(...arbs);
}

describe('bad input on every OpenAPI operation: 4xx problem+json, nothing stored', () => {
  it('covers every operation of the document', () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(8);
  });

  it('no 5xx and no row written, for generated invalid requests', { timeout: 300_000 }, async () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const before = await tableCounts(api.tdb.db);
    for (const { path, method, op } of ops) {
      await fc.assert(fc.asyncProperty(requestsFor(method, path, op), async (r) => {
        // GET/HEAD cannot carry a body in fetch; those operations get query/id mutations only.
        const body = method === 'get' ? undefined : r.body;
        const res = await fetch(api.url + r.path + r.query, {
          method: method.toUpperCase(),
          headers: { ...admin, 'Idempotency-Key': randomUUID(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body,
        });
        const text = await res.text();
        const where = `${method.toUpperCase()} ${r.path.slice(0, 100)}${r.query.slice(0, 100)} [${r.label}] body ${String(r.body).slice(0, 100)} → ${res.status} ${text.slice(0, 200)}`;
        expect(res.status, where).toBeGreaterThanOrEqual(400);
        expect(res.status, where).toBeLessThan(500);
        // 431: a URL over Node's header limit is refused by the HTTP server itself, before the app.
        if (res.status !== 431) expect(res.headers.get('content-type') ?? '', where).toMatch(/application\/problem\+json/);
      }), { numRuns: 40, seed: 20261127 });
      expect(await tableCounts(api.tdb.db), `${method.toUpperCase()} ${path}`).toEqual(before);
    }
  });
});

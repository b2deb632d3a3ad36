/**
 * Drives every operation of /openapi.json with generated invalid input (fast-check): malformed
 * JSON, wrong types, unknown fields, huge strings, invalid dates, unknown ids, unknown query
 * parameters — with a valid admin credential — and (issue 11 item 4, ADR 0016) the hostile classes of
 * the attack run: control characters and lone surrogates in every text field (top-level, nested,
 * keys, query, path, Idempotency-Key), offsets beyond ±15:59 and years 0/10000 in every date,
 * well-formed but foreign cursors, 20,000-deep nesting, huge numbers. Nothing may answer 5xx, every
 * answer is problem+json, no table gains or loses a row and no workflow is started. At least 5,000
 * requests. Operations are read from the served document, so a new route is covered without edits here.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../support/auth.js';
import { poll, seedCase, startTestApi, tableCounts, type TestApi } from '../support/api.js';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  enum?: unknown[];
  format?: string;
  $ref?: string;
  items?: Schema;
  pattern?: string;
  maxLength?: number;
};
type Operation = {
  parameters?: Array<{ name: string; in: string; schema: Schema; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
};
interface BadRequest {
  label: string;
  path: string;
  query: string;
  body?: string;
  key?: string;
}

const HUGE = 'x'.repeat(100_000);
const INVALID_DATES = [
  '2026-02-30T10:00:00+07:00',
  '2026-13-01T00:00:00Z',
  '2026-07-01T25:00:00+07:00',
  '2026-07-01',
  'hôm qua',
  '0000-00-00T00:00:00Z',
  '',
];

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
  if (s.enum)
    return fc.oneof(
      fc.string({ maxLength: 30 }).filter((x) => !s.enum!.includes(x)),
      fc.integer(),
      ...common,
    );
  if (t === 'string')
    return fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(HUGE), ...common);
  if (t === 'boolean') return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant('true'), ...common);
  if (t === 'integer' || t === 'number')
    return fc.oneof(fc.string({ maxLength: 10 }), fc.boolean(), fc.constant(1e308 * 10), ...common);
  if (t === 'array')
    return fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.integer(),
      fc.constant({}),
      fc.constant([HUGE]),
      fc.constant([1, true, null]),
    );
  return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant([]));
}

/**
 * In a query string every value is text: a number or `null` written as text is a valid value of a string
 * parameter whose pattern and length admit it (an agency id `0`, a person id `null` match nothing and answer
 * an empty list). Such a value is replaced by one no string parameter takes (longer than the URL limit).
 */
const queryWrong = (s0: Schema) => (v: unknown) => {
  const s = resolve(s0);
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  if (typeOf(s) !== 'string' || s.enum || s.format) return v;
  const fits =
    (s.maxLength === undefined || text.length <= s.maxLength) &&
    (s.pattern === undefined || new RegExp(s.pattern, 'u').test(text));
  return fits ? HUGE : v;
};

/** {@link queryWrong} for a value already URL-encoded (a malformed encoding is kept: no parameter takes it). */
const hostileWrong = (s0: Schema) => (v: string) => {
  let text: string;
  try {
    text = decodeURIComponent(v);
  } catch {
    return v;
  }
  return queryWrong(s0)(text) === HUGE ? HUGE : v;
};

const malformedJson = fc.oneof(
  fc.constantFrom('{', '{"type":', '{"a":1,}', "{'a':1}", 'nul', '[1,2', '{"a":"\\u12"}', '\u0000', '{"a":1}}'),
  fc
    .string({ maxLength: 40 })
    .map((s) => `{${s}`)
    .filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
);
const notAnObject = fc
  .oneof(
    fc.integer(),
    fc.string({ maxLength: 20 }),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 3 }),
  )
  .map((v) => JSON.stringify(v));
const idLike = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('..', '%2e%2e', 'x'.repeat(3000), 'TC-2026-0000000000', 'ak_0000000000000000', "1' OR '1'='1"),
);

function requestsFor(method: string, path: string, op: Operation): fc.Arbitrary<BadRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const fillPath = (values: string[]) =>
    pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, encodeURIComponent(values[i]!)), path);
  const anyPath = fc.tuple(...pathParams.map(() => idLike)).map(fillPath);
  // Valid-looking query for the others when testing one parameter (e.g. a PIN with an unknown reference).
  const okQuery = (except?: string) =>
    queryParams
      .filter((q) => q.required && q.name !== except)
      .map((q) => `${q.name}=${q.name === 'pin' ? '12345678' : '1'}`);
  const q = (parts: string[]) => (parts.length ? `?${parts.join('&')}` : '');
  const media = op.requestBody?.content['application/json'];
  const example = (media?.example ?? {}) as Record<string, unknown>;
  const bodySchema = media ? resolve(media.schema) : undefined;
  const props = Object.entries(bodySchema?.properties ?? {});

  const arbs: Array<fc.Arbitrary<BadRequest>> = [
    // Unknown ids (always with a valid query), or an unknown query parameter.
    ...(pathParams.length
      ? [
          anyPath.map((p) => ({
            label: 'unknown id',
            path: p,
            query: q(okQuery()),
            body: media ? JSON.stringify(example) : undefined,
          })),
        ]
      : []),
    fc
      .tuple(
        anyPath,
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !queryParams.some((p) => p.name === k)),
        fc.string({ maxLength: 12 }),
      )
      .map(([p, k, v]) => ({
        label: 'unknown query parameter',
        path: p,
        query: q([...okQuery(), `${encodeURIComponent(k)}=${encodeURIComponent(v)}`]),
        body: media ? JSON.stringify(example) : undefined,
      })),
    ...queryParams.map((qp) =>
      fc.tuple(anyPath, wrongFor(qp.schema).map(queryWrong(qp.schema))).map(([p, v]) => ({
        label: `wrong query ${qp.name}`,
        path: p,
        query: q([
          ...okQuery(qp.name),
          `${qp.name}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`,
        ]),
      })),
    ),
  ];
  if (media) {
    arbs.push(
      fc
        .tuple(anyPath, malformedJson)
        .map(([p, b]) => ({ label: 'malformed JSON', path: p, query: q(okQuery()), body: b })),
      fc
        .tuple(anyPath, notAnObject)
        .map(([p, b]) => ({ label: 'not an object', path: p, query: q(okQuery()), body: b })),
      fc
        .tuple(
          anyPath,
          fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !props.some(([n]) => n === k) && k !== '__proto__'),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(([p, k, v]) => ({
          label: 'unknown field',
          path: p,
          query: q(okQuery()),
          body: JSON.stringify({ ...example, [k]: v }),
        })),
    );
    if (props.length) {
      arbs.push(
        fc.tuple(anyPath, fc.constantFrom(...props)).chain(([p, [name, s]]) =>
          wrongFor(s).map((v) => ({
            label: `wrong ${name}`,
            path: p,
            query: q(okQuery()),
            body: JSON.stringify({ ...example, [name]: v }),
          })),
        ),
      );
    }
  } else if (method !== 'get') {
    // An operation without a body must refuse one.
    arbs.push(
      fc
        .tuple(
          anyPath,
          fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
            minKeys: 1,
            maxKeys: 3,
          }),
        )
        .map(([p, b]) => ({ label: 'unexpected body', path: p, query: q(okQuery()), body: JSON.stringify(b) })),
    );
  }
  return fc.oneof(...arbs);
}

// ---- the hostile classes of the attack run (issue 11 item 4) -------------------------------------------

/** Characters no text field may carry (JSON-escaped on the wire): NUL, C0, DEL, C1, lone surrogates. */
const BAD_CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u000b',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
];
/** The same in a URL (percent-encoded; a lone surrogate cannot be sent in UTF-8), tab included. */
const BAD_URL_CHARS = ['%00', '%01', '%07', '%09', '%0A', '%0D', '%1B', '%7F', '%C2%85', '%C2%9F'];
/** Instants PostgreSQL refuses or that name no real time: offsets past ±15:59, years 0 and 10000. */
const BAD_INSTANTS = [
  '2026-07-01T00:00:00+19:61',
  '2026-07-01T00:00:00+16:00',
  '2026-07-01T00:00:00-23:59',
  '2026-07-01T00:00:00+15:60',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59+07:00',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-W05-3T00:00:00Z',
];
const BAD_DATES = [
  '0000-01-01',
  '0000-12-31',
  '10000-01-01',
  '+010000-01-01',
  '-0001-01-01',
  '2026-W05-3',
  '2026-02-30',
  '2026-00-10',
  '99999-12-31',
];
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Cursors that decode (base64url JSON) but were never written by this API. */
const BAD_CURSORS = [
  b64({ k: '2026-W05-3', id: randomUUID() }),
  b64({ k: '0000-01-01 00:00:00+00', id: randomUUID() }),
  b64({ k: '10000-01-01 00:00:00+00', id: 'x' }),
  b64({ k: '2026-07-01 00:00:00+19', id: randomUUID() }),
  b64({ k: '2026-02-30 00:00:00+00', id: 'x' }),
  b64({ k: '2026-07-01 00:00:00+00', id: 'a\u0000' }),
  b64({ k: '2026-07-01 00:00:00+00', id: 5 }),
  b64({ k: '2026-07-01 00:00:00+00', id: 'x', t: { a: 1 } }),
  b64({ k: 'yesterday', id: 'x' }),
  b64([1, 2]),
  b64('2026-07-01'),
  b64({ k: '2026-07-01T00:00:00+07:00', id: 'x'.repeat(300) }),
  b64({ k: 'infinity', id: 'x', t: 'a\u0001' }),
];
/** A value nested 20,000 deep (the attack run's task data), as JSON text. */
const DEEP = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
/** Numbers as JSON text: beyond a double (→ Infinity when parsed), and huge finite ones. */
const HUGE_NUMBERS = [
  '1e400',
  '-1e400',
  '1e309',
  '123456789012345678901234567890123456789',
  '1.7976931348623157e308',
  '-9007199254740993',
];
const isDateLike = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v);

/** Paths of the string leaves of a JSON value (where a bad character can be inserted). */
function stringLeaves(
  v: unknown,
  at: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  if (typeof v === 'string') out.push(at);
  else if (Array.isArray(v)) v.forEach((x, i) => stringLeaves(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stringLeaves(x, [...at, k], out);
  return out;
}
function setAt(v: unknown, at: Array<string | number>, f: (x: unknown) => unknown): unknown {
  if (at.length === 0) return f(v);
  const [h, ...rest] = at;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[h!] = setAt(copy[h!], rest, f);
  return copy;
}
/** `{ ...example, [name]: <raw JSON text> }` as JSON text. */
const withRaw = (example: Record<string, unknown>, name: string, raw: string) =>
  JSON.stringify({ ...example, [name]: '__RAW__' }).replace('"__RAW__"', raw);

function hostileFor(method: string, path: string, op: Operation): fc.Arbitrary<BadRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const takesKey = params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
  const fillPath = (values: string[]) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i]!), path);
  const someId = fc
    .oneof(fc.uuid(), fc.constantFrom('TC-2026-0000000000', 'ak_0000000000000000', 'complaint-first', '2', 'x'))
    .map(encodeURIComponent);
  const anyPath = fc.tuple(...pathParams.map(() => someId)).map(fillPath);
  const okQuery = (except?: string) =>
    queryParams
      .filter((q) => q.required && q.name !== except)
      .map((q) => `${q.name}=${q.name === 'pin' ? '12345678' : '1'}`);
  const q = (parts: string[]) => (parts.length ? `?${parts.join('&')}` : '');
  const media = op.requestBody?.content['application/json'];
  const example = (media?.example ?? {}) as Record<string, unknown>;
  const bodySchema = media ? resolve(media.schema) : undefined;
  const props = Object.entries(bodySchema?.properties ?? {});
  const exampleBody = media ? JSON.stringify(example) : undefined;
  const badChar = fc.constantFrom(...BAD_CHARS);
  const badUrlChar = fc.constantFrom(...BAD_URL_CHARS);
  // eslint-disable-next-line no-control-regex
  const text = fc.string({ maxLength: 8 }).filter((x) => !/[\u0000-\u001f\u007f-\u009f]/.test(x));
  const spliced = fc.tuple(text, badChar, text).map(([a, c, b]) => `${a}${c}${b}`);
  const urlSpliced = fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{0,6}$/), badUrlChar, fc.stringMatching(/^[A-Za-z0-9_-]{0,6}$/))
    .map(([a, c, b]) => `${a}${c}${b}`);

  const arbs: Array<fc.Arbitrary<BadRequest>> = [
    // A control character in an (unknown) query parameter's name or value: refused on every route.
    fc.tuple(anyPath, urlSpliced, fc.boolean()).map(([p, v, inName]) => ({
      label: 'control character in a query parameter',
      path: p,
      query: q([...okQuery(), inName ? `${v}=1` : `x${v.length}=${v}`]),
      body: exampleBody,
    })),
  ];
  if (pathParams.length) {
    arbs.push(
      fc
        .tuple(
          fc.tuple(...pathParams.map(() => urlSpliced)).map(fillPath),
          fc.constantFrom('%ED%A0%80', '%FF', '%C0%80', ''),
        )
        .map(([p, raw]) => ({
          label: 'control character / invalid UTF-8 in a path parameter',
          path: p + raw,
          query: q(okQuery()),
          body: exampleBody,
        })),
    );
  }
  for (const qp of queryParams) {
    const s = resolve(qp.schema);
    const values: Array<fc.Arbitrary<string>> = [urlSpliced, fc.constantFrom(...HUGE_NUMBERS).map(encodeURIComponent)];
    if (s.format === 'date-time') values.push(fc.constantFrom(...BAD_INSTANTS).map(encodeURIComponent));
    if (s.format === 'date' || /^(from|to|start|on|date)$/i.test(qp.name))
      values.push(fc.constantFrom(...BAD_DATES, ...BAD_INSTANTS).map(encodeURIComponent));
    if (qp.name === 'after') values.push(fc.constantFrom(...BAD_CURSORS));
    arbs.push(
      fc.tuple(anyPath, fc.oneof(...values).map(hostileWrong(qp.schema))).map(([p, v]) => ({
        label: `hostile query ${qp.name}`,
        path: p,
        query: q([...okQuery(qp.name), `${qp.name}=${v}`]),
        body: exampleBody,
      })),
    );
  }
  if (takesKey) {
    // (A leading tab would be trimmed by HTTP as whitespace; an inner one reaches the API.)
    arbs.push(
      fc.tuple(anyPath, fc.constantFrom('a\tb', 'clé', 'x'.repeat(256), ' ', 'a b')).map(([p, key]) => ({
        label: 'hostile Idempotency-Key',
        path: p,
        query: q(okQuery()),
        body: exampleBody,
        key,
      })),
    );
  }
  if (media && method !== 'get') {
    const leaves = stringLeaves(example);
    if (leaves.length) {
      // A bad character inside any string of the (valid) example, however deep.
      arbs.push(
        fc.tuple(anyPath, fc.constantFrom(...leaves), badChar, fc.nat(20)).map(([p, at, c, i]) => ({
          label: `bad character in ${at.join('.')}`,
          path: p,
          query: q(okQuery()),
          body: JSON.stringify(
            setAt(example, at, (x) => {
              const t = String(x);
              const k = Math.min(i, t.length);
              return t.slice(0, k) + c + t.slice(k);
            }),
          ),
        })),
      );
    }
    arbs.push(
      // A bad character in a field name, 20,000-deep bodies.
      fc.tuple(anyPath, spliced).map(([p, k]) => ({
        label: 'bad character in a field name',
        path: p,
        query: q(okQuery()),
        body: JSON.stringify({ ...example, [k]: 1 }),
      })),
      fc
        .tuple(anyPath, fc.constantFrom(DEEP, DEEP_OBJECT))
        .map(([p, d]) => ({ label: 'a 20,000-deep body', path: p, query: q(okQuery()), body: d })),
    );
    if (props.length) {
      const prop = fc.constantFrom(...props.map(([n]) => n));
      const raws: Array<fc.Arbitrary<string>> = [
        spliced.map((v) => JSON.stringify(v)),
        fc.constantFrom(DEEP, DEEP_OBJECT, `{"x":${DEEP}}`),
        fc.constantFrom(...HUGE_NUMBERS),
      ];
      arbs.push(
        fc.tuple(anyPath, prop, fc.oneof(...raws)).map(([p, name, raw]) => ({
          label: `hostile ${name}`,
          path: p,
          query: q(okQuery()),
          body: withRaw(example, name, raw),
        })),
      );
      const dated = props.filter(
        ([n, s]) => resolve(s).format === 'date-time' || resolve(s).format === 'date' || isDateLike(example[n]),
      );
      if (dated.length) {
        arbs.push(
          fc
            .tuple(anyPath, fc.constantFrom(...dated.map(([n]) => n)), fc.constantFrom(...BAD_INSTANTS, ...BAD_DATES))
            .map(([p, name, v]) => ({
              label: `out-of-range date ${name}`,
              path: p,
              query: q(okQuery()),
              body: JSON.stringify({ ...example, [name]: v }),
            })),
        );
      }
    }
  }
  return fc.oneof(...arbs);
}

describe('bad input on every OpenAPI operation: 4xx problem+json, nothing stored', () => {
  it('covers every operation of the document', () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(8);
  });

  it(
    'no 5xx, no row written and no workflow started, for ≥ 5,000 generated invalid and hostile requests',
    { timeout: 600_000 },
    async () => {
      const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ path, method, op })),
      );
      const workflows = async () =>
        (await api.deps.temporal.workflow.count(`TaskQueue = '${api.deps.taskQueue}'`)).count;
      const before = await tableCounts(api.tdb.db);
      const workflowsBefore = await workflows();
      let sent = 0;
      const statuses = new Map<number, number>();
      const send = async (method: string, r: BadRequest) => {
        // GET/HEAD cannot carry a body in fetch; those operations get query/id mutations only.
        const body = method === 'get' ? undefined : r.body;
        const res = await fetch(api.url + r.path + r.query, {
          method: method.toUpperCase(),
          headers: {
            ...admin,
            'Idempotency-Key': r.key ?? randomUUID(),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body,
        });
        const text = await res.text();
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `${method.toUpperCase()} ${r.path.slice(0, 100)}${r.query.slice(0, 100)} [${r.label}] body ${String(r.body).slice(0, 100)} → ${res.status} ${text.slice(0, 200)}`;
        // An id of `..` is a dot-segment: the URL parser removes it with the segment before it, so
        // `GET /v1/matters/../gatherings` is a valid read of `/v1/gatherings` — a different resource, not bad input.
        const elsewhere = method === 'get' && new URL(api.url + r.path).pathname !== r.path.split('?')[0];
        if (!elsewhere) expect(res.status, where).toBeGreaterThanOrEqual(400);
        expect(res.status, where).toBeLessThan(500);
        // 431: a URL over Node's header limit is refused by the HTTP server itself, before the app.
        if (res.status !== 431 && !elsewhere)
          expect(res.headers.get('content-type') ?? '', where).toMatch(/application\/problem\+json/);
      };
      for (const { path, method, op } of ops) {
        await fc.assert(
          fc.asyncProperty(requestsFor(method, path, op), (r) => send(method, r)),
          { numRuns: 40, seed: 20261127 },
        );
        await fc.assert(
          fc.asyncProperty(hostileFor(method, path, op), (r) => send(method, r)),
          { numRuns: 90, seed: 20261202 },
        );
        expect(await tableCounts(api.tdb.db), `${method.toUpperCase()} ${path}`).toEqual(before);
      }
      expect(sent).toBeGreaterThanOrEqual(5_000);
      // No rejected request started a workflow (visibility may lag a moment: look twice).
      expect(await workflows()).toBe(workflowsBefore);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await workflows()).toBe(workflowsBefore);
      // The count is live: a valid start is seen (a positive control for the assertion above).
      const ok = await fetch(`${api.url}/v1/cases`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'petition',
          channel: 'portal',
          receivedAt: new Date(Date.now() - 60_000).toISOString(),
          agencyId: 'so-tnmt',
          subject: 'control',
        }),
      });
      expect(ok.status, await ok.text()).toBe(201);
      await poll('the control case visible', workflows, (n) => n === workflowsBefore + 1);
      console.info(
        `bad-input: ${sent} requests over ${ops.length} operations; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
    },
  );
});

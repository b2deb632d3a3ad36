/**
 * Case figures (ADR 0030) against the case search, on the real API and PostgreSQL: for random read models
 * and random filters, `GET /v1/figures/cases` gives a total equal to the number of items `GET /v1/cases`
 * returns for the same filter (paging through every page), `GET /v1/cases?total=true` gives the same total,
 * and every group's count equals the items its drill-down link returns. Bad filters are 400 naming the field.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLifecycleActivities } from '../../activities/lifecycle.js';
import { createCaseStateStore } from '../../db/case-states.js';
import { FIGURE_DIMENSION_NAMES, type FigureDimensionName } from '../../db/case-figures.js';
import { CASE_TYPES, type CaseFilterQuery } from '../../db/case-filter.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';
import type { CaseStateView } from '../../workflows/contract.js';

let api: TestApi;
const CHILD = 'so-tnmt-phong-1'; // a unit below so-tnmt: agency subtrees have depth
const AGENCIES = ['so-tnmt', CHILD, 'thanh-tra-tinh', 'ubnd-xa-a', 'ubnd-xa-b'] as const;
const CHANNELS = ['portal', 'post', 'reception_desk'] as const;
const NODES = ['verify', 'dialogue'] as const;
const OUTCOMES = ['withdrawn', 'legally_effective', 'terminated'] as const;
const SECTORS = ['land', 'environment'] as const;
/** Province and commune codes (the commune in its province, or none). */
const PLACES = [null, ['79', null], ['79', '25747'], ['79', '25750'], ['01', '00004']] as const;
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00+07:00');

beforeAll(async () => {
  api = await startTestApi();
  await api.tdb.db('agencies').insert({ id: CHILD, parent_id: 'so-tnmt', name: 'Phòng 1', level: 'department' });
});
afterAll(async () => {
  await api?.close();
});

interface SeedCase {
  agency: (typeof AGENCIES)[number];
  type: (typeof CASE_TYPES)[number];
  channel: (typeof CHANNELS)[number];
  /** Hours after T0 (about 100 days: month boundaries, in Vietnam and in UTC, are crossed). */
  receivedH: number;
  casesClosed: boolean;
  projected: boolean;
  status: 'running' | 'completed' | 'cancelled';
  outcome: (typeof OUTCOMES)[number] | null;
  overdue: boolean;
  acceptedD: number | null;
  closedH: number | null;
  nodes: Array<(typeof NODES)[number]>;
  atRisk: boolean;
  massVar: boolean;
  massFlag: boolean;
  complexity: 'normal' | 'complex';
  complexFlag: boolean;
  remoteCol: boolean;
  remoteVar: boolean;
  suspended: boolean;
  dueH: number | null;
  sector: (typeof SECTORS)[number] | null;
  place: (typeof PLACES)[number];
  /** Whitelisted workflow variables (absent: not set), named signers, a letter's handling outcome recorded. */
  vars?: Record<string, unknown>;
  signers?: number;
  anonymous?: boolean;
  /** Hours after receipt the `letter_outcome` flag was set. */
  letterDoneH?: number | null;
  /** The decision / conclusion's day (days after T0). */
  issuedD?: number | null;
}

const seedCase: fc.Arbitrary<SeedCase> = fc.record({
  agency: fc.constantFrom(...AGENCIES),
  type: fc.constantFrom(...CASE_TYPES),
  channel: fc.constantFrom(...CHANNELS),
  receivedH: fc.integer({ min: 0, max: 100 * 24 }),
  casesClosed: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 9, arbitrary: fc.constant(false) }),
  projected: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  status: fc.constantFrom('running', 'completed', 'cancelled'),
  outcome: fc.option(fc.constantFrom(...OUTCOMES), { nil: null }),
  overdue: fc.boolean(),
  acceptedD: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  closedH: fc.option(fc.integer({ min: 0, max: 100 * 24 }), { nil: null }),
  nodes: fc.subarray([...NODES]),
  atRisk: fc.boolean(),
  massVar: fc.boolean(),
  massFlag: fc.boolean(),
  complexity: fc.constantFrom('normal', 'complex'),
  complexFlag: fc.boolean(),
  remoteCol: fc.boolean(),
  remoteVar: fc.boolean(),
  suspended: fc.boolean(),
  dueH: fc.option(fc.integer({ min: 0, max: 150 * 24 }), { nil: null }),
  sector: fc.option(fc.constantFrom(...SECTORS), { nil: null }),
  place: fc.constantFrom(...PLACES),
  vars: fc.record(
    {
      letterType: fc.constantFrom('complaint', 'denunciation', 'petition', null),
      letterOutcome: fc.constantFrom('accepted', 'guided', 'transferred', 'archived', null),
      withinCompetence: fc.constantFrom(true, false, null),
      finding: fc.constantFrom('true', 'partly_true', 'false'),
    },
    { requiredKeys: [] },
  ),
  signers: fc.integer({ min: 0, max: 3 }),
  anonymous: fc.boolean(),
  letterDoneH: fc.option(fc.integer({ min: 0, max: 60 * 24 }), { nil: null }),
  issuedD: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
});

const iso = (ms: number) => new Date(ms).toISOString();
const vnDay = (d: number) => new Date(T0 + d * DAY + 7 * 3_600_000).toISOString().slice(0, 10);

async function load(cases: SeedCase[]): Promise<void> {
  const db = api.tdb.db;
  await db('case_flags').delete();
  await db('case_states').delete();
  await db('cases').delete();
  for (const [i, c] of cases.entries()) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const received = T0 + c.receivedH * 3_600_000;
    await db('cases').insert({
      id,
      reference: `FIG-${i}`,
      workflow_id: `case-${id}`,
      case_type: c.type,
      channel: c.channel,
      agency_id: c.agency,
      subject: 'figures',
      remote_area: c.remoteCol,
      received_at: iso(received),
      stage: 'received',
      status: c.casesClosed ? 'closed' : 'open',
      sector: c.sector,
      place_province: c.place?.[0] ?? null,
      place_commune: c.place?.[1] ?? null,
    });
    if (c.projected) {
      const closed = c.status !== 'running';
      await db('case_states').insert({
        case_id: id,
        case_type: c.type,
        agency_id: c.agency,
        pin: 'figures@1+sha256:x',
        stage: closed ? 'completed' : 'verify',
        status: c.status,
        outcome: c.status === 'completed' ? c.outcome : null,
        next_due_at: c.dueH === null ? null : iso(T0 + c.dueH * 3_600_000),
        overdue: c.overdue,
        accepted_on: c.acceptedD === null ? null : vnDay(c.acceptedD),
        closed_at: closed && c.closedH !== null ? iso(received + c.closedH * 3_600_000) : null,
        state: JSON.stringify({
          caseId: id,
          status: c.status,
          currentNodes: closed ? [] : c.nodes.map((n, k) => ({ tokenId: `t${k}`, nodeId: n, since: iso(received) })),
          clocks: c.suspended ? [{ timerId: 'k', status: 'suspended' }] : [],
          variables: {
            massCase: c.massVar,
            complexity: c.complexity,
            remoteArea: c.remoteVar,
            ...c.vars,
            signerRefs: Array.from({ length: c.signers ?? 0 }, (_, k) => `p${k}`),
            ...(c.anonymous ? { anonymous: true } : {}),
            ...(c.issuedD == null ? {} : { decisionIssuedOn: vnDay(c.issuedD), conclusionIssuedOn: vnDay(c.issuedD) }),
          },
          caseEvents: {},
          flags: { at_risk: c.atRisk, overdue: c.overdue },
          history: [],
        }),
        seq: 1,
      });
    }
    if (c.massFlag) await db('case_flags').insert({ case_id: id, flag: 'mass_case', value: 'true', idem_key: 'k' });
    if (c.complexFlag) await db('case_flags').insert({ case_id: id, flag: 'complex', value: 'true', idem_key: 'k' });
    if (c.letterDoneH != null)
      await db('case_flags').insert({
        case_id: id,
        flag: 'letter_outcome',
        value: JSON.stringify(c.vars?.letterOutcome ?? 'guided'),
        idem_key: 'k',
        set_at: iso(received + c.letterDoneH * 3_600_000),
      });
  }
}

const bool = fc.constantFrom('true', 'false');
/** An hour in the seeded range, or (the roll-up's case) the start of a Vietnam month. */
const instant = fc.oneof(
  fc
    .integer({ min: -5 * 24, max: 110 * 24 })
    .map((h) => new Date(T0 + h * 3_600_000).toISOString().replace('.000Z', '+00:00')),
  fc.constantFrom(
    '2026-01-01T00:00:00+07:00',
    '2026-02-01T00:00:00+07:00',
    '2026-02-28T17:00:00Z',
    '2026-04-01T00:00:00+07:00',
  ),
);
/** Several values, comma-separated (one or more, distinct). */
const listOf = (values: readonly string[]) =>
  fc.subarray([...values], { minLength: 1, maxLength: 3 }).map((xs) => xs.join(','));
const filterArb = (caller: string): fc.Arbitrary<CaseFilterQuery> => {
  const within = caller === 'tinh-demo' ? ['tinh-demo', ...AGENCIES] : ['so-tnmt', CHILD];
  const fields: Record<string, fc.Arbitrary<string>> = {
    type: fc.oneof(fc.constantFrom(...CASE_TYPES), listOf(CASE_TYPES)),
    stage: fc.constantFrom('verify', 'dialogue', 'null'),
    status: fc.constantFrom('open', 'closed'),
    agencyId: fc.constantFrom(...within),
    exactAgency: bool,
    channel: fc.oneof(fc.constantFrom(...CHANNELS), listOf(CHANNELS)),
    outcome: fc.oneof(fc.constantFrom('withdrawn', 'terminated', 'null'), listOf(OUTCOMES)),
    overdue: bool,
    onTime: bool,
    atRisk: bool,
    mass: bool,
    complex: bool,
    remote: bool,
    suspended: bool,
    accepted: bool,
    dueBefore: instant,
    dueAfter: instant,
    receivedFrom: instant,
    receivedTo: instant,
    acceptedFrom: fc.integer({ min: -5, max: 105 }).map(vnDay),
    acceptedTo: fc.integer({ min: -5, max: 105 }).map(vnDay),
    closedFrom: instant,
    closedTo: instant,
    sector: fc.constantFrom(...SECTORS, 'null'),
    provinceCode: fc.constantFrom('79', '01', 'null'),
    communeCode: fc.constantFrom('25747', '00004', 'null'),
    'var.letterType': listOf(['complaint', 'denunciation', 'petition', 'null']),
    'var.letterOutcome': listOf(['accepted', 'guided', 'transferred', 'archived', 'null']),
    'var.withinCompetence': listOf(['true', 'false', 'null']),
    'var.finding': listOf(['true', 'partly_true', 'false']),
    signers: fc.constantFrom('many', 'one', 'other'),
    doneFrom: instant,
    doneTo: instant,
    openAt: instant,
    decisionIssuedFrom: fc.integer({ min: -5, max: 105 }).map(vnDay),
    decisionIssuedTo: fc.integer({ min: -5, max: 105 }).map(vnDay),
    conclusionIssuedFrom: fc.integer({ min: -5, max: 105 }).map(vnDay),
  };
  // At most three filters (picked first: filtering a record of 37 optional fields down to three is too rare).
  return fc
    .shuffledSubarray(Object.keys(fields), { minLength: 0, maxLength: 3 })
    .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, fields[k]!]))))
    .map((q) => {
      const out = { ...q } as Record<string, string>;
      if (out.exactAgency && !out.agencyId) delete out.exactAgency;
      return out as CaseFilterQuery;
    });
};
const dimsArb = fc
  .subarray([...FIGURE_DIMENSION_NAMES], { minLength: 1, maxLength: 2 })
  .chain((d) => fc.shuffledSubarray(d, { minLength: d.length, maxLength: d.length }));

/**
 * A figure the per-dimension roll-up (`case_fact_dims`) answers: no period, agency / type / status / overdue / on
 * time and one of channel, sector, outcome, commune, province (the random draws above rarely are one).
 */
const rollupShapeArb: fc.Arbitrary<[CaseFilterQuery, FigureDimensionName[]]> = fc.tuple(
  fc.record(
    {
      type: fc.constantFrom(...CASE_TYPES),
      status: fc.constantFrom('open', 'closed'),
      overdue: bool,
      onTime: bool,
      sector: fc.constantFrom(...SECTORS, 'null'),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<CaseFilterQuery>,
  fc.constantFrom<FigureDimensionName[]>(
    ['sector', 'status'],
    ['channel'],
    ['outcome', 'type'],
    ['commune'],
    ['province', 'overdue'],
    ['agency', 'sector'],
    ['onTime'],
  ),
);

async function getJson(path: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await fetch(api.url + path, { headers });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Every item of a case search, following `next` (pages of 9). */
async function searchAll(link: string, headers: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let next: string | null = `${link}${link.includes('?') ? '&' : '?'}limit=9`;
  for (let pages = 0; next !== null; pages++) {
    if (pages > 100) throw new Error('too many pages');
    const page = (await getJson(next, headers)) as { items: Array<{ id: string }>; next: string | null };
    ids.push(...page.items.map((i) => i.id));
    next = page.next;
  }
  return ids;
}

describe('figures equal the case search (property, PostgreSQL + API)', () => {
  it('every total and every group count equals the items the search returns for the same filter', async () => {
    let checkedGroups = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(seedCase, { minLength: 0, maxLength: 16 }),
        fc
          .constantFrom('tinh-demo', 'so-tnmt')
          .chain((caller) =>
            fc.tuple(
              fc.constant(caller),
              fc.array(fc.tuple(filterArb(caller), dimsArb), { minLength: 1, maxLength: 2 }),
              rollupShapeArb,
            ),
          ),
        async (cases, [caller, drawn, shaped]) => {
          const queries = [...drawn, shaped];
          await load(cases);
          const headers = await authHeader({ roles: ['supervisor'], agency: caller });
          for (const [filter, dims] of queries) {
            const qs = new URLSearchParams(filter as Record<string, string>);
            if (dims.length > 0) qs.set('groupBy', dims.join(','));
            const figures = (await getJson(`/v1/figures/cases?${qs.toString()}`, headers)) as {
              total: number;
              link: string;
              groups: Array<{ key: Record<string, string | null>; count: number; link: string | null }>;
            };
            const all = await searchAll(figures.link, headers);
            expect(new Set(all).size).toBe(all.length);
            expect(figures.total, `${qs.toString()}`).toBe(all.length);
            const listed = (await getJson(
              `/v1/cases?${new URLSearchParams(filter as Record<string, string>).toString()}&total=true&limit=1`,
              headers,
            )) as { total: number };
            expect(listed.total).toBe(all.length);
            if (dims.length > 0 && !dims.includes('stage' as FigureDimensionName))
              expect(figures.groups.reduce((n, g) => n + g.count, 0)).toBe(figures.total);
            for (const g of figures.groups) {
              expect(g.count).toBeGreaterThan(0);
              if (g.link === null) continue;
              const items = await searchAll(g.link, headers);
              expect(g.count, `${qs.toString()} → ${g.link}`).toBe(items.length);
              checkedGroups++;
            }
          }
          console.error(`figures property: ${cases.length} cases, ${queries.length} queries checked`);
        },
      ),
      {
        numRuns: 12,
        // One fixed draw first, so groups are always checked whatever the random draws hold (a run of 12
        // small draws once checked only 3 group links).
        examples: [
          [
            fc.sample(seedCase, { numRuns: 16, seed: 20261203 }),
            [
              'tinh-demo',
              [
                [{}, ['agency']],
                [
                  {
                    type: 'letter,denunciation',
                    'var.withinCompetence': 'false,null',
                    openAt: '2026-02-01T00:00:00+07:00',
                  },
                  ['type'],
                ],
              ],
              [{ signers: 'one', 'var.letterOutcome': 'guided,transferred' }, ['channel']],
            ],
          ],
        ],
      },
    );
    expect(checkedGroups).toBeGreaterThan(3);
  }, 600_000);

  it('a bad filter or dimension is a 400 problem naming the field', async () => {
    const headers = await authHeader({ roles: ['auditor'], agency: 'tinh-demo' });
    for (const [query, field] of [
      ['groupBy=agency,nope', 'groupBy'],
      ['groupBy=type,type', 'groupBy'],
      ['groupBy=type,status,channel,overdue', 'groupBy'],
      ['onTime=maybe', 'onTime'],
      ['outcome=null&stage=true', 'stage'],
      ['acceptedFrom=2026-02-30', 'acceptedFrom'],
      ['closedTo=yesterday', 'closedTo'],
      ['exactAgency=true', 'exactAgency'],
      ['sector=Land', 'sector'],
      ['provinceCode=7', 'provinceCode'],
      ['communeCode=x2574', 'communeCode'],
      ['groupBy=place', 'groupBy'],
      ['type=letter,nope', 'type'],
      ['channel=post,', 'channel'],
      ['outcome=withdrawn,true', 'outcome'],
      ['signers=two', 'signers'],
      ['openAt=soon', 'openAt'],
      ['doneTo=2026-02-30T00:00:00Z', 'doneTo'],
      ['decisionIssuedFrom=2026-13-01', 'decisionIssuedFrom'],
      ['var.letterType=fax', 'var.letterType'],
      ['var.withinCompetence=yes', 'var.withinCompetence'],
      // Only whitelisted variables: no other part of the state, a party's or a denouncer's identity least of all.
      ['var.denouncerName=x', 'var.denouncerName'],
      ['var.signerRefs=p0', 'var.signerRefs'],
    ] as const) {
      for (const path of ['/v1/figures/cases', '/v1/cases']) {
        if (path === '/v1/cases' && query.startsWith('groupBy')) continue;
        const r = await fetch(`${api.url}${path}?${query}`, { headers });
        expect(r.status, `${path}?${query}`).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        const body = (await r.json()) as { errors: Array<{ path: string }> };
        expect(
          body.errors.map((e) => e.path),
          `${path}?${query}`,
        ).toContain(`query.${field}`);
      }
    }
    // An agency outside the caller's subtree does not exist for them.
    const outside = await fetch(`${api.url}/v1/figures/cases?agencyId=ubnd-xa-a`, {
      headers: await authHeader({ roles: ['officer'], agency: 'so-tnmt' }),
    });
    expect(outside.status).toBe(404);
  });
});

describe('case export (GET /v1/cases/export)', () => {
  it('exports the cases the search lists as CSV and XLSX, up to the limit, audited; bad input is a 400', async () => {
    const base: SeedCase = {
      agency: 'so-tnmt',
      type: 'complaint_first',
      channel: 'portal',
      receivedH: 10,
      casesClosed: false,
      projected: true,
      status: 'running',
      outcome: null,
      overdue: false,
      acceptedD: null,
      closedH: null,
      nodes: ['verify'],
      atRisk: false,
      massVar: false,
      massFlag: false,
      complexity: 'normal',
      complexFlag: false,
      remoteCol: false,
      remoteVar: false,
      suspended: false,
      dueH: null,
      sector: 'land',
      place: ['79', '25747'],
    };
    await load([
      { ...base, overdue: true },
      { ...base, receivedH: 20, overdue: true, agency: CHILD },
      { ...base, receivedH: 30, overdue: true, agency: 'ubnd-xa-a' },
      { ...base, receivedH: 40 },
    ]);
    // FIG-1 rests on a built-in step (named in English in its definition); FIG-0 on a step named otherwise.
    const BUILTIN_STEP = 'Verify the complaint (xác minh)';
    await api.tdb
      .db('case_states')
      .whereIn('case_id', api.tdb.db('cases').select('id').where({ reference: 'FIG-1' }))
      .update({ stage: BUILTIN_STEP });
    const headers = await authHeader({ roles: ['supervisor'], agency: 'so-tnmt' });
    const filter = 'overdue=true&sector=land';
    const listed = (await getJson(`/v1/cases?${filter}&total=true`, headers)) as {
      total: number;
      items: Array<{ reference: string }>;
    };
    expect(listed.total).toBe(2); // the third is outside so-tnmt's subtree

    const csv = await fetch(`${api.url}/v1/cases/export?format=csv&${filter}`, { headers });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('x-total-count')).toBe('2');
    expect(csv.headers.get('x-truncated')).toBe('false');
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('Số hồ sơ (reference)');
    // The step as the API compares it, then its Vietnamese label (the step's own name when it has none).
    expect(lines[0]).toContain('Bước (stage),Bước xử lý,Trạng thái (status)');
    const cells = lines.map((l) => l.split(','));
    const col = (h: string) => cells[0]!.indexOf(h);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(listed.items.map((i) => i.reference));
    expect(
      Object.fromEntries(cells.slice(1).map((r) => [r[0], [r[col('Bước (stage)')], r[col('Bước xử lý')]]])),
    ).toEqual({
      'FIG-1': [BUILTIN_STEP, 'Xác minh nội dung khiếu nại'],
      'FIG-0': ['verify', 'verify'],
    });
    expect(lines[1]).toMatch(/\+07:00/);

    const xlsx = await fetch(`${api.url}/v1/cases/export?format=xlsx&${filter}&limit=1`, { headers });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('x-truncated')).toBe('true');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getCell(2, 1).value).toBe(listed.items[0]!.reference);
    expect(listed.items[0]!.reference).toBe('FIG-1');
    expect([ws.getCell(1, 7).value, ws.getCell(1, 8).value]).toEqual(['Bước (stage)', 'Bước xử lý']);
    expect([ws.getCell(2, 7).value, ws.getCell(2, 8).value]).toEqual([BUILTIN_STEP, 'Xác minh nội dung khiếu nại']);
    expect(ws.getCell(1, 11).value).toBe('overdue');
    expect(ws.getCell(2, 11).value).toBe(true); // overdue, a boolean cell

    const audits = await api.tdb.db('audit_log').where({ action: 'case.export' }).orderBy('seq');
    expect(audits).toHaveLength(2);
    const after = (typeof audits[1].after === 'string' ? JSON.parse(audits[1].after) : audits[1].after) as Record<
      string,
      unknown
    >;
    expect(after).toMatchObject({ format: 'xlsx', rows: 1, total: 2, filter: { overdue: 'true', sector: 'land' } });

    for (const [query, field] of [
      ['format=pdf', 'format'],
      ['format=csv&limit=50001', 'limit'],
      ['format=csv&sector=Land', 'sector'],
    ] as const) {
      const r = await fetch(`${api.url}/v1/cases/export?${query}`, { headers });
      expect(r.status, query).toBe(400);
      const body = (await r.json()) as { errors: Array<{ path: string }> };
      expect(body.errors.map((e) => e.path)).toContain(`query.${field}`);
    }
    const outside = await fetch(`${api.url}/v1/cases/export?format=csv&agencyId=ubnd-xa-a`, { headers });
    expect(outside.status).toBe(404);
    const exports = await api.tdb
      .db('audit_log')
      .where({ action: 'case.export' })
      .count<Array<{ n: string }>>('* as n');
    expect(Number(exports[0]?.n)).toBe(2);
  });
});

describe('the filter facts of case_facts (migration 20261210030000)', () => {
  it('follow every later write: a variable set through a task, a letter outcome recorded, a case closed', async () => {
    await load([]);
    const db = api.tdb.db;
    const agency = 'thanh-tra-tinh';
    const states = createCaseStateStore(db);
    const acts = createLifecycleActivities({ db, logger: pino({ level: 'silent' }) });
    const headers = await authHeader({ roles: ['supervisor'], agency });
    const window = 'receivedFrom=2025-06-01T00:00:00%2B07:00&receivedTo=2025-07-01T00:00:00%2B07:00';
    /** The figure and the search it links to (the same number, or the test fails). */
    const count = async (filter: string): Promise<number> => {
      const f = (await getJson(`/v1/figures/cases?agencyId=${agency}&${window}&${filter}`, headers)) as {
        total: number;
        link: string;
      };
      expect((await searchAll(f.link, headers)).length, filter).toBe(f.total);
      return f.total;
    };
    const state = (status: string, variables: Record<string, unknown>) =>
      ({
        pin: 'letter@1',
        stage: status === 'running' ? 'handle' : 'end',
        status,
        outcome: null,
        nextDueAt: null,
        flags: {},
        caseEvents: {},
        history: [],
        currentNodes: [],
        clocks: [],
        tasks: [],
        variables,
      }) as unknown as CaseStateView;
    const ids = ['00000000-0000-4000-8000-00000000fa01', '00000000-0000-4000-8000-00000000fa02'];
    for (const [i, id] of ids.entries())
      await db('cases').insert({
        id,
        reference: `FACT-${i}`,
        workflow_id: `case-${id}`,
        case_type: i === 0 ? 'letter' : 'complaint_first',
        channel: 'portal',
        agency_id: agency,
        subject: 'facts',
        received_at: '2025-06-10T09:00:00+07:00',
        stage: 'received',
        status: 'open',
      });
    const [letter, complaint] = ids as [string, string];
    const project = (caseId: string, seq: number, status: string, variables: Record<string, unknown>) =>
      states.project({
        caseId,
        seq,
        caseType: caseId === letter ? 'letter' : 'complaint_first',
        agencyId: agency,
        state: state(status, variables),
      });
    await project(letter, 1, 'running', { letterType: 'complaint', signerRefs: ['p0'] });
    await project(complaint, 1, 'running', { signerRefs: ['p0', 'p1'] });
    const figures = async () => ({
      complaint: await count('var.letterType=complaint'),
      denunciation: await count('var.letterType=denunciation'),
      notSet: await count('var.letterType=null'),
      one: await count('signers=one'),
      many: await count('signers=many'),
      other: await count('signers=other'),
      done: await count('doneFrom=2026-01-01T00:00:00%2B07:00'),
      open: await count('openAt=2026-01-01T00:00:00%2B07:00'),
      issued: await count('decisionIssuedFrom=2025-06-01&decisionIssuedTo=2025-07-01'),
    });
    expect(await figures()).toEqual({
      complaint: 1,
      denunciation: 0,
      notSet: 1,
      one: 1,
      many: 1,
      other: 0,
      done: 0,
      open: 2,
      issued: 0,
    });
    // A task changes the letter's variables (the projection after it): the type, and the letter becomes anonymous.
    await project(letter, 2, 'running', { letterType: 'denunciation', signerRefs: ['p0'], anonymous: true });
    // The letter's handling outcome is recorded by the service task (case_flags, no new projection).
    await acts.setCaseFlag({ flag: 'letter_outcome', value: 'guided' }, { caseId: letter, nodeId: 'n', tokenId: 't' });
    // The complaint is decided and closed (the projection of its end).
    await project(complaint, 2, 'completed', { signerRefs: ['p0', 'p1'], decisionIssuedOn: '2025-06-20' });
    expect(await figures()).toEqual({
      complaint: 0,
      denunciation: 1,
      notSet: 1,
      one: 0,
      many: 1,
      other: 1,
      done: 2,
      open: 2,
      issued: 1,
    });
    // Done after the instant (now, 2026-12 on): still open at 2026-01-01, not at a later instant.
    expect(await count(`openAt=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`)).toBe(0);
    // The columns are the facts themselves (and a refresh recomputes them identically).
    const before = await db('case_facts').whereIn('case_id', ids).orderBy('case_id');
    await db.raw(`SELECT kntc_case_facts_refresh(case_id) FROM case_facts WHERE case_id = ANY(?::text[])`, [ids]);
    expect(await db('case_facts').whereIn('case_id', ids).orderBy('case_id')).toEqual(before);
    expect(before.map((r: Record<string, unknown>) => [r.letter_type, r.signers, r.done_at !== null])).toEqual([
      ['denunciation', 'other', true],
      [null, 'many', true],
    ]);
  });
});

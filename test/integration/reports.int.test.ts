/**
 * Stored reports on the real stack (ADR 0032): PostgreSQL, the Temporal dev server, the worker and the API.
 * A month of cases is seeded; the drafting run (what the schedule starts) drafts every agency's monthly
 * report; a commune submits (frozen: its snapshot and hash stay when new cases arrive), is reopened with
 * a reason and resubmits (both versions kept); the province's consolidation sums the submitted reports
 * and lists the agencies that did not submit. The drafting schedule is registered on the dev server and fires.
 */
import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createReportActivities } from '../../activities/reports.js';
import { resolveRecipients } from '../../directory/recipients.js';
import { regimeByCircular } from '../../reports/regimes.js';
import { XLSX_HEADER_ROW } from '../../reports/render.js';
import { requiredLeaderDays } from '../../activities/report-engine.js';
import { ensureReportSchedule, REPORT_SCHEDULE_SPEC } from '../../platform/report-schedule.js';
import { canonicalJson } from '../../workflows/engine/canonical-json.js';
import { getReportState, REPORT_SCHEDULE_ID, reportWorkflowId } from '../../workflows/report-contract.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
const call = apiCaller(() => api.url);
const AGENCIES = ['tinh-demo', 'so-tnmt', 'thanh-tra-tinh', 'ubnd-xa-a', 'ubnd-xa-b'];
// March 2031: 15/02/2031 – 14/03/2031 (TT 02/2021 Điều 7 cut-off, as configured for the monthly report).
const YEAR = 2031;
const PERIOD = `${YEAR}-M03`;

async function seed(agencyId: string, caseType: string, receivedAt: string, n = 1): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    await api.tdb.db('cases').insert({
      id,
      reference: `TC-${YEAR}-${id.replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      workflow_id: `case-${id}`,
      case_type: caseType,
      channel: 'portal',
      agency_id: agencyId,
      subject: 'seeded',
      received_at: receivedAt,
      stage: 'received',
      status: 'open',
    });
  }
}

const as = (agency: string, roles: string[] = ['officer']) => authHeader({ roles: roles as never, agency });

async function reportOf(agencyId: string): Promise<Json> {
  const r = await call(
    'GET',
    `/v1/reports?agencyId=${agencyId}&period=${PERIOD}`,
    await as('tinh-demo', ['supervisor']),
  );
  expect(r.status, r.text).toBe(200);
  const items = r.json.items as Json[];
  expect(items).toHaveLength(1);
  return items[0]!;
}

async function reportOf2(agencyId: string): Promise<Json> {
  const r = await call(
    'GET',
    `/v1/reports?agencyId=${agencyId}&period=${YEAR}-M05`,
    await as('tinh-demo', ['supervisor']),
  );
  expect(r.status, r.text).toBe(200);
  return (r.json.items as Json[])[0]!;
}

type Bundle = { forms: Array<{ rows: Array<{ code: string; cells: Record<string, { value: number | null }> }> }> };
const figure = (b: Bundle, code: string) => b.forms[0]!.rows.find((r) => r.code === code)!.cells['1']!.value;

/**
 * Issue 15's records around commune A for the chairman's report rows VI–VIII (period 15/02–14/03/2031), each
 * with ones just outside the period or of another agency that must not count. Expected figures in ISSUE15.
 */
async function seedIssue15(): Promise<void> {
  const db = api.tdb.db;
  const at = (d: string) => `${d}T09:00:00+07:00`;
  const matter = async (agency: string, status = 'open') => {
    const id = randomUUID();
    await db('matters').insert({
      id,
      agency_id: agency,
      title: 'Vụ việc thử',
      subject_norm: 'vu viec thu',
      first_received_at: at('2030-10-01'),
      last_received_at: at('2030-10-01'),
      created_by: 'test',
      status,
    });
    return id;
  };
  // A process case (delegation / central gathering, ADR 0036): not a letter, so II.1 must not count it.
  const processCase = async (agency: string, receivedAt: string, tasks: unknown[] = []) => {
    const id = randomUUID();
    await db('cases').insert({
      id,
      reference: `TTW-${id.slice(0, 8)}`,
      workflow_id: `case-${id}`,
      case_type: 'central_gathering',
      channel: 'mass_matter',
      agency_id: agency,
      subject: 'gathering',
      received_at: receivedAt,
      stage: 'running',
      status: 'open',
    });
    await db('case_states').insert({
      case_id: id,
      case_type: 'central_gathering',
      agency_id: agency,
      pin: 'central-gathering@1',
      stage: 'running',
      status: 'running',
      state: JSON.stringify({ tasks }),
      seq: 1,
    });
    return id;
  };
  const hotspot = (raised: string, level: string | null, status: string, agencies: string[]) => ({
    id: randomUUID(),
    cluster_key: `test:${randomUUID()}`,
    granularity: 'place',
    province_code: '01',
    level,
    level_rank: level === 'hot' ? 3 : level === 'warning' ? 2 : level === 'watch' ? 1 : 0,
    scores: '{}',
    item_count: 3,
    last_item_at: at(raised),
    agency_ids: agencies,
    status,
    raised_at: at(raised),
    level_changed_at: at(raised),
  });
  await db('hotspots').insert([
    hotspot('2031-03-01', 'hot', 'open', ['ubnd-xa-a']), // raised, followed, hot
    hotspot('2031-01-10', 'warning', 'acknowledged', ['ubnd-xa-a', 'so-tnmt']), // followed
    hotspot('2031-03-05', 'watch', 'closed', ['ubnd-xa-a']), // raised
    hotspot('2031-03-02', null, 'open', ['ubnd-xa-a']), // raised (fell below watch since)
    hotspot('2031-03-20', 'hot', 'open', ['ubnd-xa-a']), // after the period
    hotspot('2031-03-01', 'hot', 'open', ['ubnd-xa-b']), // another commune
  ]);
  const m = [await matter('ubnd-xa-a'), await matter('ubnd-xa-a', 'closed'), await matter('ubnd-xa-a')];
  const mB = await matter('ubnd-xa-b');
  // V.3: prolonged matters open at the period's end (one counts; closed, after the period, another commune's: not).
  for (const [agency, status, first] of [
    ['ubnd-xa-a', 'open', '2030-06-01'],
    ['ubnd-xa-a', 'closed', '2030-06-01'],
    ['ubnd-xa-a', 'open', '2031-03-15'],
    ['ubnd-xa-b', 'open', '2030-06-01'],
  ] as const)
    await db('matters').insert({
      id: randomUUID(),
      agency_id: agency,
      title: 'Vụ việc kéo dài',
      subject_norm: 'vu viec keo dai',
      first_received_at: at(first),
      last_received_at: at(first),
      created_by: 'test',
      status,
      prolonged: true,
    });
  const gathering = async (agency: string, day: string, people: number, home: boolean) => {
    const tasks = home ? [{ id: 't1', nodeId: 'bringHome.above', status: 'completed' }] : [];
    await db('central_gatherings').insert({
      id: randomUUID(),
      matter_id: agency === 'ubnd-xa-a' ? m[0] : mB,
      agency_id: agency,
      gathered_at: at(day),
      place_kind: 'central_reception_office',
      place_name: 'Trụ sở Tiếp công dân Trung ương',
      city: 'hanoi',
      people_count: people,
      reported_by_kind: 'officer',
      process_case_id: await processCase(agency, at(day), tasks),
      created_by: 'test',
    });
  };
  await gathering('ubnd-xa-a', '2031-03-03', 30, true);
  await gathering('ubnd-xa-a', '2031-02-20', 12, false);
  await gathering('ubnd-xa-a', '2031-03-16', 50, true); // after the period
  await gathering('ubnd-xa-b', '2031-03-03', 9, true); // another commune
  await db('people').insert({ id: 'p-tf-lead', display_name: 'Trưởng tổ' }).onConflict('id').ignore();
  const tf = async (created: string, endsOn: string, agency = 'ubnd-xa-a') => {
    const id = randomUUID();
    await db('task_forces').insert({
      id,
      name: 'Tổ công tác',
      mandate: 'Giải quyết vụ việc',
      governing_agency_id: agency,
      lead_person_id: 'p-tf-lead',
      ends_on: endsOn,
      created_by: JSON.stringify({ type: 'user', id: 'test' }),
      created_at: at(created),
    });
    return id;
  };
  const assign = (taskForce: string, kind: 'case' | 'matter', ref: string, day: string) =>
    db('task_force_assignments').insert({
      task_force_id: taskForce,
      kind,
      ref_id: ref,
      agency_id: 'ubnd-xa-a',
      assigned_by: JSON.stringify({ type: 'user', id: 'test' }),
      assigned_at: at(day),
    });
  // A closed case received before the period (not a figure of II).
  const closedCase = randomUUID();
  await db('cases').insert({
    id: closedCase,
    reference: `TC-${closedCase.slice(0, 8)}`,
    workflow_id: `case-${closedCase}`,
    case_type: 'petition',
    channel: 'portal',
    agency_id: 'ubnd-xa-a',
    subject: 'seeded',
    received_at: at('2030-12-01'),
    stage: 'closed',
    status: 'closed',
  });
  const tf1 = await tf('2031-02-01', '2031-06-30'); // active
  await assign(tf1, 'case', closedCase, '2031-03-01'); // done
  await assign(tf1, 'matter', m[0]!, '2031-03-01'); // under way
  await assign(tf1, 'matter', m[1]!, '2031-03-01'); // done (matter closed)
  await assign(tf1, 'matter', mB, '2031-03-20'); // after the period
  const tf2 = await tf('2031-01-01', '2031-03-01'); // active in the period, ended before its last day
  await assign(tf2, 'matter', m[2]!, '2031-01-05'); // lapsed
  const tf3 = await tf('2031-01-01', '2031-02-10'); // ended before the period
  await assign(tf3, 'matter', randomUUID(), '2031-01-05');
  await tf('2031-03-20', '2031-06-30'); // set up after the period
  await tf('2031-02-01', '2031-06-30', 'ubnd-xa-b'); // another commune's
  const campaign = async (agency: string, created: string, completed: string | null) => {
    const id = randomUUID();
    await db('review_campaigns').insert({
      id,
      name: 'Rà soát',
      agency_id: agency,
      criteria: JSON.stringify({ prolonged: true }),
      due_at: at('2031-04-30'),
      status: completed ? 'completed' : 'running',
      workflow_id: `review-campaign-${id}`,
      created_by: JSON.stringify({ type: 'user', id: 'test' }),
      created_at: at(created),
      completed_at: completed ? at(completed) : null,
    });
    return id;
  };
  const rc1 = await campaign('ubnd-xa-a', '2031-02-01', null);
  const rc2 = await campaign('tinh-demo', '2031-01-01', '2031-03-01');
  const rc3 = await campaign('ubnd-xa-a', '2031-01-01', '2031-02-01'); // completed before the period
  const review = (
    c: string,
    matterId: string,
    agency: string,
    due: string,
    reviewed: string | null,
    escalated: string | null = null,
  ) => ({
    id: randomUUID(),
    campaign_id: c,
    matter_id: matterId,
    agency_id: agency,
    due_at: at(due),
    status: reviewed ? 'reviewed' : 'open',
    outcome: reviewed ? 'resolved' : null,
    reviewed_at: reviewed ? at(reviewed) : null,
    escalated_to: escalated ? 'tinh-demo' : null,
    escalated_at: escalated ? at(escalated) : null,
  });
  await db('review_items').insert([
    review(rc1, m[0]!, 'ubnd-xa-a', '2031-03-10', '2031-03-05'), // reviewed in time
    review(rc1, m[1]!, 'ubnd-xa-a', '2031-03-10', null, '2031-03-11'), // overdue, escalated
    review(rc2, m[2]!, 'ubnd-xa-a', '2031-02-28', '2031-03-01'), // reviewed late: overdue
    review(rc1, m[2]!, 'ubnd-xa-a', '2031-04-30', null), // to review, not due
    review(rc3, m[0]!, 'ubnd-xa-a', '2031-01-20', null), // campaign completed before the period
    review(rc1, mB, 'ubnd-xa-b', '2031-03-10', null), // another commune's matter
  ]);
}
/**
 * Commune B's reception and classified letters of the period (15/02–14/03/2031), each with ones outside it: the rows
 * I.1–I.6 and II.3–II.4 of its March report. Expected figures in COMMUNE_B.
 */
async function seedReceptionAndLetters(): Promise<void> {
  const db = api.tdb.db;
  const agency = 'ubnd-xa-b';
  const place = `rp_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await db('reception_places').insert({
    id: place,
    agency_id: agency,
    name: 'Phòng tiếp công dân xã B',
    kind: 'committee_seat',
    address: '1 Lê Lợi',
    created_by: 'test',
  });
  const session = async (day: string, kind: string, receivedBy = 'in_person') => {
    const id = randomUUID();
    await db('reception_sessions').insert({
      id,
      agency_id: agency,
      place_id: place,
      kind,
      received_by: receivedBy,
      leader_person_id: kind === 'regular' ? null : 'p-tf-lead',
      delegate_person_id: receivedBy === 'delegated' ? 'p-tf-lead' : null,
      mode: 'in_person',
      session_date: day,
      started_at: `${day}T08:00:00+07:00`,
      created_by: 'test',
    });
    return id;
  };
  const visit = (sessionId: string, day: string, people: number, delegation = false) =>
    db('reception_visits').insert({
      id: randomUUID(),
      session_id: sessionId,
      agency_id: agency,
      visited_at: `${day}T08:30:00+07:00`,
      people_count: people,
      is_delegation: delegation,
      content_type: 'petition',
      summary: 'Kiến nghị',
      outcome: 'guided',
      created_by: 'test',
    });
  const s1 = await session('2031-02-20', 'regular');
  await visit(s1, '2031-02-20', 1);
  await visit(s1, '2031-02-20', 3);
  const s2 = await session('2031-03-03', 'periodic'); // a leader day
  await visit(s2, '2031-03-03', 12, true); // a delegation
  await session('2031-03-03', 'periodic'); // the same day: one leader day
  await session('2031-03-05', 'periodic', 'delegated'); // delegated: not a leader day
  await session('2031-03-10', 'periodic'); // a leader day
  const s6 = await session('2031-03-15', 'regular'); // after the period
  await visit(s6, '2031-03-15', 5);
  // Letters classified by the `classify` task (withinCompetence, letterType) and handled (letterOutcome).
  const letter = async (
    vars: Record<string, unknown>,
    receivedAt = '2031-03-02T09:00:00+07:00',
    open?: { outcomeAt?: string },
  ) => {
    const id = randomUUID();
    await db('cases').insert({
      id,
      reference: `TC-${YEAR}-${id.replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      workflow_id: `case-${id}`,
      case_type: 'letter',
      channel: 'portal',
      agency_id: agency,
      subject: 'seeded letter',
      received_at: receivedAt,
      stage: 'received',
      status: 'open',
    });
    await db('case_states').insert({
      case_id: id,
      case_type: 'letter',
      agency_id: agency,
      pin: 'letter@1',
      stage: open ? 'handle' : 'end',
      status: open ? 'running' : 'completed',
      state: JSON.stringify({ variables: vars, tasks: [] }),
      seq: 1,
    });
    // An open letter whose handling outcome was recorded: done (II.2) though its workflow still runs.
    if (open?.outcomeAt)
      await db('case_flags').insert({
        case_id: id,
        flag: 'letter_outcome',
        value: JSON.stringify('archived'),
        idem_key: `seed-${id}`,
        set_at: open.outcomeAt,
      });
  };
  await letter({ letterType: 'complaint', withinCompetence: true, letterOutcome: 'accepted' }); // within
  await letter({ letterType: 'petition', withinCompetence: true, letterOutcome: 'reported_to_head' }); // within
  await letter({ letterType: 'denunciation', withinCompetence: false, letterOutcome: 'guided' }); // outside
  await letter({ letterType: 'petition', withinCompetence: false, letterOutcome: 'transferred' }); // outside
  await letter({ letterType: 'petition', withinCompetence: true }); // not handled yet
  await letter({ letterType: 'petition', withinCompetence: false, letterOutcome: 'archived' }); // not eligible
  await letter(
    { letterType: 'complaint', withinCompetence: true, letterOutcome: 'accepted' },
    '2031-03-15T09:00:00+07:00',
  ); // after the period
  // II.2 counts the letters done by the period's end (as the regime forms do), not only the closed ones: an open
  // letter with its outcome recorded in the period counts, one recorded after the period's end does not.
  await letter({ letterType: 'petition' }, undefined, { outcomeAt: '2031-03-10T10:00:00+07:00' });
  await letter({ letterType: 'petition' }, undefined, { outcomeAt: '2031-03-20T10:00:00+07:00' });
}
/** Commune B's reception and competence rows, counted by hand from {@link seedReceptionAndLetters}. */
const COMMUNE_B: Record<string, number> = {
  'II.1': 8,
  'II.2': 7,
  'I.1': 5,
  'I.2': 2,
  'I.4': 3,
  'I.5': 16,
  'I.6': 1,
  'II.3': 2,
  'II.4': 2,
};

/** The rows VI–VIII of commune A's March report, counted by hand from {@link seedIssue15}. */
const ISSUE15: Record<string, number> = {
  'V.3': 1,
  'VI.1': 3,
  'VI.1.a': 2,
  'VI.1.b': 1,
  'VI.2': 2,
  'VI.2.a': 42,
  'VI.2.b': 1,
  'VII.1': 2,
  'VII.1.a': 4,
  'VII.1.b': 2,
  'VII.1.c': 1,
  'VIII.1': 1,
  'VIII.1.a': 4,
  'VIII.1.b': 2,
  'VIII.1.c': 2,
  'VIII.1.d': 1,
};

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  // Inside the period: 3 denunciations + 2 petitions at commune A, 4 first complaints at the department,
  // 1 petition at the province itself; outside it (15 March, the next month's): one more at commune A.
  await seed('ubnd-xa-a', 'denunciation', '2031-02-15T00:00:00+07:00', 3);
  await seed('ubnd-xa-a', 'petition', '2031-03-14T23:59:00+07:00', 2);
  await seed('so-tnmt', 'complaint_first', '2031-03-01T09:00:00+07:00', 4);
  await seed('tinh-demo', 'petition', '2031-03-02T09:00:00+07:00', 1);
  await seed('ubnd-xa-a', 'denunciation', '2031-03-15T00:00:00+07:00', 1);
  await seedIssue15();
  await seedReceptionAndLetters();
  // What the schedule starts on 15 March: every agency's monthly report (March ends no quarter here: Q1 too).
  await api.deps.temporal.workflow.execute('reportDraftingWorkflow', {
    taskQueue: api.deps.taskQueue,
    workflowId: `drafting-${randomUUID()}`,
    args: [{ lastDay: `${YEAR}-03-14`, agencies: AGENCIES }],
  });
  for (const a of AGENCIES) {
    const h = api.deps.temporal.workflow.getHandle(reportWorkflowId(a, 'monthly', PERIOD));
    for (let i = 0; i < 200 && (await h.query(getReportState)).reportId === null; i++)
      await new Promise((r) => setTimeout(r, 50));
  }
}, 300_000);
afterAll(async () => {
  await api?.close();
});

describe('stored reports', () => {
  it('drafts each agency its monthly report with the period, the deadline (rolled to a working day) and its figures', async () => {
    const r = await reportOf('ubnd-xa-a');
    expect(r).toMatchObject({ kind: 'monthly', period: PERIOD, periodFrom: '2031-02-15', periodTo: '2031-03-14' });
    expect(r.status).toBe('draft');
    expect(r.currentVersion).toBe(1);
    // 16 March 2031 is a Sunday: the configured day rolls forward to Monday 17 March (BLDS 2015 Art 148(5)).
    expect(r.dueOn).toBe('2031-03-17');
    expect((r.deadline as Json).confirmed).toBe(false);
    // March closes the first quarter: each agency has its Q1 report too.
    let q = await call('GET', `/v1/reports?period=${YEAR}-Q1&kind=quarter`, await as('tinh-demo', ['supervisor']));
    for (let i = 0; i < 100 && (q.json.items as Json[]).length < AGENCIES.length; i++) {
      await new Promise((res) => setTimeout(res, 100));
      q = await call('GET', `/v1/reports?period=${YEAR}-Q1&kind=quarter`, await as('tinh-demo', ['supervisor']));
    }
    expect((q.json.items as Json[]).length).toBe(AGENCIES.length);
    expect((q.json.items as Json[])[0]).toMatchObject({ periodFrom: '2030-12-15', periodTo: '2031-03-14' });
    const v = await call('GET', `/v1/reports/${r.id}/versions/1`, await as('ubnd-xa-a'));
    expect(v.status, v.text).toBe(200);
    const b = v.json.snapshot as Bundle;
    expect(figure(b, 'II.1')).toBe(5);
    expect(figure(b, 'II.1.d')).toBe(3);
    expect(figure(b, 'II.1.e')).toBe(2);
    expect(figure(b, 'I.1')).toBe(0);
    // I.3: the legal minimum of a commune's chairman (2 days a month from 01/07/2026, Luật Tiếp công dân 2013
    // Art 15(2)(d) as amended), March's obligation falling in this data period: computed, cited, marked UNCONFIRMED
    // (how a calendar month maps onto the 15th–14th data period is configuration).
    const i3 = b.forms[0]!.rows.find((r) => r.code === 'I.3')!.cells['1']! as Json;
    expect(i3.value).toBe(2);
    expect(i3.unconfirmed).toBe(true);
    expect(i3.note).toContain('Luật Tiếp công dân 2013 Art 15(2)(d)');
    expect(i3.note).toContain('UNCONFIRMED');
    expect(requiredLeaderDays(['commune'], '2031-02-15', '2031-03-14').days).toBe(2);
    // No row is left null any more.
    expect(b.forms[0]!.rows.filter((r) => r.cells['1']!.value === null).map((r) => r.code)).toEqual([]);
    // Hotspots, central gatherings, task forces and reviews: each cell equals the count by hand of the seed.
    expect(Object.fromEntries(Object.keys(ISSUE15).map((code) => [code, figure(b, code)]))).toEqual(ISSUE15);
    // The processes of central gatherings are not letters (II.1 = 5 above); the snapshot's checks hold.
    const checks = (b as unknown as { forms: Array<{ checks: Array<{ rule: string; ok: boolean }> }> }).forms[0]!
      .checks;
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('every linked figure of the monthly report equals what its list returns (cases, reception, issue 15 records)', async () => {
    const reader = await as('tinh-demo', ['supervisor']);
    type Cell = { value: number | null; drillDown?: string; note?: string };
    /** Follows a link page by page; the figure the list shows: items, or the sum / distinct values the note names. */
    const follow = async (link: string, note?: string): Promise<number> => {
      const items: Json[] = [];
      // The lists of issue 15's records and matters page one item at a time: every figure above one spans pages.
      const paged = /^\/v1\/(gatherings|task-forces|review-campaigns|matters)\b/.test(link);
      let next: string | null = link.startsWith('/v1/cases?') ? `${link}&limit=100` : paged ? `${link}&limit=1` : link;
      for (let i = 0; next && i < 100; i++) {
        const r = await call('GET', next, reader);
        expect(r.status, `${next}: ${r.text}`).toBe(200);
        items.push(...(r.json.items as Json[]));
        next = (r.json.next as string | null | undefined) ?? null;
      }
      if (note?.includes('peopleCount')) return items.reduce((a, x) => a + Number(x.peopleCount), 0);
      if (note?.includes('sessionDate')) return new Set(items.map((x) => x.sessionDate)).size;
      return items.length;
    };
    const expected: Record<string, Record<string, number>> = { 'ubnd-xa-a': ISSUE15, 'ubnd-xa-b': COMMUNE_B };
    for (const agency of ['ubnd-xa-a', 'ubnd-xa-b']) {
      const r = await reportOf(agency);
      const v = await call('GET', `/v1/reports/${r.id}/versions/1`, reader);
      const rows = (v.json.snapshot as { forms: Array<{ rows: Array<{ code: string; cells: Record<string, Cell> }> }> })
        .forms[0]!.rows;
      for (const [code, n] of Object.entries(expected[agency]!))
        expect([agency, code, rows.find((x) => x.code === code)!.cells['1']!.value]).toEqual([agency, code, n]);
      let followed = 0;
      for (const row of rows) {
        const cell = row.cells['1']!;
        if (!cell.drillDown) continue;
        expect(cell.drillDown).toContain(`agencyId=${agency}&exactAgency=true`);
        expect([agency, row.code, await follow(cell.drillDown, cell.note)]).toEqual([agency, row.code, cell.value]);
        followed++;
      }
      // Every case row links (the statutory types, the letters' competence by whitelisted workflow variables).
      for (const code of ['II.1', 'II.2', 'II.3', 'II.4', 'V.1', 'V.2'])
        expect([code, rows.find((x) => x.code === code)!.cells['1']!.drillDown]).toEqual([
          code,
          expect.stringMatching(/^\/v1\/cases\?/),
        ]);
      // The one row without a list: derived from the law (I.3, the leaders' reception days required).
      expect(rows.filter((x) => !x.cells['1']!.drillDown).map((x) => x.code)).toEqual(['I.3']);
      expect(followed).toBe(rows.length - 1);
    }
  });

  it('pages the lists behind the figures: more than one page, no duplicates, every item, in order', async () => {
    const reader = await as('tinh-demo', ['supervisor']);
    const idOf = (x: Json) => String(x.id ?? `${String(x.kind)}:${String(x.refId)}`);
    for (const list of [
      '/v1/gatherings',
      '/v1/task-forces',
      '/v1/review-campaigns',
      '/v1/task-forces/assignments',
      '/v1/review-campaigns/reviews',
    ]) {
      const q = `${list}?agencyId=ubnd-xa-a&exactAgency=true`;
      const all = await call('GET', `${q}&limit=200`, reader);
      expect(all.status, all.text).toBe(200);
      expect(all.json.next).toBeNull();
      const want = (all.json.items as Json[]).map(idOf);
      expect([list, want.length > 1]).toEqual([list, true]);
      const got: string[] = [];
      let pages = 0;
      for (let next: string | null = `${q}&limit=1`; next && pages < 50; pages++) {
        const r = await call('GET', next, reader);
        expect(r.status, r.text).toBe(200);
        got.push(...(r.json.items as Json[]).map(idOf));
        next = (r.json.next as string | null) ?? null;
      }
      expect([list, pages > 1, new Set(got).size]).toEqual([list, true, got.length]);
      expect(got).toEqual(want);
      // A cursor of another list is refused, naming it (the work list's items are `<case|matter>:<id>`).
      if (list === '/v1/gatherings') {
        const first = await call('GET', `${q}&limit=1`, reader);
        const after = new URL(String(first.json.next), 'http://x').searchParams.get('after')!;
        const wrong = await call('GET', `/v1/task-forces/assignments?after=${after}`, reader);
        expect([wrong.status, wrong.text]).toEqual([400, expect.stringContaining('after')]);
      }
    }
  });

  it('periodic report: the regime’s forms; the province sums a commune’s submitted cells, lists the other', async () => {
    const db = api.tdb.db;
    type Snap = {
      form: { code: string };
      columns: Array<{ no: number }>;
      rows: Array<{ code: string; cells: Record<string, { value: number | null }> }>;
    };
    const quarter = async (agencyId: string) => {
      for (let i = 0; i < 200; i++) {
        const r = await db('reports')
          .where({ agency_id: agencyId, kind: 'quarter', period_key: `${YEAR}-Q1` })
          .first();
        if (r && Number(r.current_version) >= 1) return r as Json & { id: string; regime: string };
        await new Promise((x) => setTimeout(x, 50));
      }
      throw new Error(`no Q1 report of ${agencyId}`);
    };
    const a = await quarter('ubnd-xa-a');
    await quarter('ubnd-xa-b');
    const prov = await quarter('tinh-demo');
    const v1 = await db('report_versions').where({ report_id: a.id, version: 1 }).first();
    const forms = (v1.snapshot as { forms: Snap[] }).forms;
    // The ten forms of the regime in force for the data period (15/12/2030 – 14/03/2031).
    expect(forms.map((f) => f.form.code)).toEqual(regimeByCircular(a.regime)!.forms.value);
    const kqgq3 = (f: Snap[] | undefined, row: string) =>
      f!.find((x) => x.form.code === '03/KQGQ')!.rows.find((r) => r.code === row)?.cells['3']?.value;
    // 03/KQGQ column 3 (denunciations received in the period) against an independent count.
    const counted = await db('cases')
      .where({ agency_id: 'ubnd-xa-a', case_type: 'denunciation' })
      .where('received_at', '>=', '2030-12-15T00:00:00+07:00')
      .where('received_at', '<', '2031-03-15T00:00:00+07:00')
      .count<Array<{ count: string }>>('* as count');
    expect(kqgq3(forms, 'total')).toBe(Number(counted[0]!.count));
    expect(kqgq3(forms, 'total')).toBe(3);

    // Commune A submits its quarterly report; commune B does not.
    const sub = await call('POST', `/v1/reports/${a.id}/submit`, await as('ubnd-xa-a'), { version: 1 });
    expect(sub.status, sub.text).toBe(200);
    const c = await call('GET', `/v1/reports/${prov.id}/consolidation`, await as('tinh-demo', ['supervisor']));
    expect(c.status, c.text).toBe(200);
    expect((c.json.submitted as Json[]).map((x) => x.agencyId)).toEqual(['ubnd-xa-a']);
    expect((c.json.notSubmitted as Json[]).map((x) => x.agencyId)).toContain('ubnd-xa-b');
    const consolidated = c.json.forms as Array<Snap & { code: string; checks: Json[] }>;
    expect(consolidated.map((f) => f.code)).toEqual(forms.map((f) => f.form.code));
    const f3 = consolidated.find((f) => f.code === '03/KQGQ')!;
    const cell = (row: string) => f3.rows.find((r) => r.code === row)?.cells['3']?.value;
    expect(cell('ubnd-xa-a')).toBe(3);
    expect(f3.rows.some((r) => r.code === 'ubnd-xa-b')).toBe(false);
    expect(cell('total')).toBe((cell('self') ?? 0) + 3);
    // The rules (cross-form ones included) are checked on the consolidated figures.
    expect(f3.checks.length).toBeGreaterThan(0);
    expect(f3.checks.every((k) => typeof k.ok === 'boolean' && typeof k.rule === 'string')).toBe(true);

    // The stored version exports form by form, laid out like the form (XLSX: header, code row, numbers).
    const xlsx = await fetch(
      `${api.url}/v1/reports/${a.id}/versions/1/export?format=xlsx&form=${encodeURIComponent('03/KQGQ')}`,
      { headers: await as('ubnd-xa-a') },
    );
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect(ws.getCell(1, ws.columnCount).value).toBe('Biểu số: 03/KQGQ');
    let codeRow = 0;
    for (let r = XLSX_HEADER_ROW; r < XLSX_HEADER_ROW + 10 && !codeRow; r++)
      if (ws.getCell(r, 1).value === 'MS') codeRow = r;
    expect(codeRow).toBeGreaterThan(XLSX_HEADER_ROW);
    const snap3 = forms.find((x) => x.form.code === '03/KQGQ')!;
    const totalAt = snap3.rows.findIndex((r) => r.code === 'total');
    const col3 = snap3.columns.findIndex((x) => x.no === 3);
    expect(ws.getCell(codeRow + 1 + totalAt, col3 + 2).value).toBe(3);
  });

  it('scopes reports: a sibling commune does not see them; only the own agency writes and submits', async () => {
    const r = await reportOf('ubnd-xa-a');
    expect((await call('GET', `/v1/reports/${r.id}`, await as('ubnd-xa-b'))).status).toBe(404);
    const list = await call('GET', `/v1/reports?period=${PERIOD}`, await as('ubnd-xa-b'));
    expect((list.json.items as Json[]).map((x) => x.agencyId)).toEqual(['ubnd-xa-b']);
    const above = await call('POST', `/v1/reports/${r.id}/submit`, await as('tinh-demo', ['admin']), {});
    expect(above.status, above.text).toBe(403);
    const bad = await call('PUT', `/v1/reports/${r.id}/sections`, await as('ubnd-xa-a'), { assessment: 42 });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('assessment');
  });

  it('submits (frozen: snapshot and hash unchanged after new cases arrive), reopens with a reason, resubmission keeps both', async () => {
    const r = await reportOf('ubnd-xa-a');
    const id = r.id as string;
    const officer = await as('ubnd-xa-a');
    const s0 = await call('PUT', `/v1/reports/${id}/sections`, officer, {
      assessment: 'Tình hình ổn định.',
      proposals: 'Tăng cường đối thoại.',
    });
    expect(s0.status, s0.text).toBe(200);
    expect(s0.json.status).toBe('in_review');
    const sub = await call('POST', `/v1/reports/${id}/submit`, officer, { version: 1 });
    expect(sub.status, sub.text).toBe(200);
    const sha = sub.json.sha256 as string;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    // A second submission is refused; the text cannot change any more.
    const again = await call('POST', `/v1/reports/${id}/submit`, officer, {});
    expect(again.status, again.text).toBe(409);
    expect((await call('PUT', `/v1/reports/${id}/sections`, officer, { assessment: 'x' })).status).toBe(409);
    // The hash is in the audit log with who submitted; the event is in the feed.
    const audit = await api.tdb.db('audit_log').where({ action: 'report.submitted' }).orderBy('seq');
    const mine = audit.find((a) => (a.after as Json).reportId === id)!;
    expect((mine.after as Json).sha256).toBe(sha);
    expect(mine.actor).toMatchObject({ agency: 'ubnd-xa-a' });
    const ev = await api.tdb.db('events').where({ type: 'vn.kntc.report.submitted' });
    expect(ev.some((e) => (e.data as Json).reportId === id && (e.data as Json).sha256 === sha)).toBe(true);

    // New cases of the period arrive: the frozen version does not move, its hash still verifies.
    await seed('ubnd-xa-a', 'petition', '2031-03-10T10:00:00+07:00', 2);
    const v1 = await call('GET', `/v1/reports/${id}/versions/1`, officer);
    expect(figure(v1.json.snapshot as Bundle, 'II.1')).toBe(5);
    expect(v1.json.sha256).toBe(sha);
    const recomputed = createHash('sha256')
      .update(canonicalJson({ snapshot: v1.json.snapshot, sections: v1.json.sections }))
      .digest('hex');
    expect(recomputed).toBe(sha);
    await expect(
      api.tdb.db('report_versions').where({ report_id: id, version: 1 }).update({ hash: 'x' }),
    ).rejects.toThrow(/frozen/);

    // Reopen: a reason is required (400 naming it); an officer may not; the supervisor above may.
    const noReason = await call('POST', `/v1/reports/${id}/reopen`, await as('tinh-demo', ['supervisor']), {});
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason');
    expect((await call('POST', `/v1/reports/${id}/reopen`, officer, { reason: 'x' })).status).toBe(403);
    const re = await call('POST', `/v1/reports/${id}/reopen`, await as('tinh-demo', ['supervisor']), {
      reason: 'Thiếu 2 đơn kiến nghị',
    });
    expect(re.status, re.text).toBe(200);
    expect(re.json.version).toBe(2);
    const reAudit = await api.tdb.db('audit_log').where({ action: 'report.reopened' });
    expect(
      reAudit.some((a) => (a.after as Json).reportId === id && (a.after as Json).reason === 'Thiếu 2 đơn kiến nghị'),
    ).toBe(true);
    const v2 = await call('GET', `/v1/reports/${id}/versions/2`, officer);
    expect(figure(v2.json.snapshot as Bundle, 'II.1')).toBe(7);
    expect(v2.json).toMatchObject({ cause: 'reopened', reopenReason: 'Thiếu 2 đơn kiến nghị', submittedAt: null });
    const sub2 = await call('POST', `/v1/reports/${id}/submit`, officer, { version: 2 });
    expect(sub2.status, sub2.text).toBe(200);
    const full = await call('GET', `/v1/reports/${id}`, officer);
    const versions = full.json.versions as Json[];
    expect(versions.map((x) => [x.version, x.sha256 !== null])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(versions[0]!.sha256).toBe(sha);
    expect(versions[1]!.sha256).not.toBe(sha);
    // Exports of a frozen version: the JSON is the snapshot that was hashed; CSV has the figures.
    const json = await fetch(`${api.url}/v1/reports/${id}/versions/1/export?format=json`, { headers: officer });
    expect(json.status).toBe(200);
    const json2 = await fetch(`${api.url}/v1/reports/${id}/versions/2/export?format=json`, { headers: officer });
    const exported = (await json2.json()) as {
      rows: Array<{ code: string; cells: Record<string, { value: unknown }> }>;
    };
    for (const code of Object.keys(ISSUE15))
      expect([code, exported.rows.find((r) => r.code === code)?.cells['1']?.value]).toEqual([code, ISSUE15[code]]);
    const csv = await fetch(`${api.url}/v1/reports/${id}/versions/2/export?format=csv`, { headers: officer });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const csvLines = (await csv.text()).split('\r\n');
    // A last column "Ghi chú" says how a figure is counted; I.3 is marked UNCONFIRMED there.
    expect(csvLines).toContain('Tổng số đơn tiếp nhận trong kỳ,7,');
    expect(csvLines).toContain(`Vụ việc rà soát quá hạn,${ISSUE15['VIII.1.c']},`);
    expect(csvLines.find((l) => l.startsWith('Đoàn đông người lên Trung ương: số người,'))).toBe(
      `Đoàn đông người lên Trung ương: số người,${ISSUE15['VI.2.a']},tổng peopleCount của các lượt trong danh sách`,
    );
    expect(
      csvLines.find((l) => l.startsWith('Số ngày tiếp công dân định kỳ của lãnh đạo phải thực hiện,2,')),
    ).toContain('UNCONFIRMED');
    // XLSX and PDF of a submitted version come from the report-form renderers (laid out like the paper form).
    const xlsx = await fetch(`${api.url}/v1/reports/${id}/versions/2/export?format=xlsx`, { headers: officer });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const p = (v2.json.snapshot as { period: { from: string; to: string } }).period;
    const dmy = (d: string) => d.split('-').reverse().join('/');
    const periodLine = `Số liệu tính từ ngày ${dmy(p.from)} đến ngày ${dmy(p.to)}`;
    expect(ws.getCell(3, 1).value).toBe(periodLine);
    const codeRow = XLSX_HEADER_ROW + 1;
    expect(ws.getCell(codeRow, 1).value).toBe('MS');
    const labels = (v2.json.snapshot as Bundle).forms[0]!.rows;
    const at = labels.findIndex((r) => r.code === 'II.1');
    expect(ws.getCell(codeRow + 1 + at, 1).value).toBe('Tổng số đơn tiếp nhận trong kỳ');
    expect(ws.getCell(codeRow + 1 + at, 2).value).toBe(7);
    for (const code of Object.keys(ISSUE15)) {
      const i = labels.findIndex((r) => r.code === code);
      expect([code, ws.getCell(codeRow + 1 + i, 2).value]).toEqual([code, ISSUE15[code]]);
    }
    const i3At = labels.findIndex((r) => r.code === 'I.3');
    expect(ws.getCell(codeRow + 1 + i3At, 2).value).toBe(2);
    expect(ws.getCell(XLSX_HEADER_ROW, 3).value).toBe('Ghi chú (cách tính, nguồn)');
    expect(String(ws.getCell(codeRow + 1 + i3At, 3).value)).toContain('UNCONFIRMED');
    const pdf = await fetch(`${api.url}/v1/reports/${id}/versions/2/export?format=pdf`, { headers: officer });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const parser = new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain(periodLine);
    expect(text).toContain('Tổng số đơn tiếp nhận trong kỳ');
    expect(text).toContain('Tổ công tác hoạt động trong kỳ');
    expect(text).toContain('Điểm nóng phát sinh trong kỳ');
    expect(text).toContain('UNCONFIRMED');
    const html = await fetch(`${api.url}/v1/reports/${id}/versions/2/export?format=html`, { headers: officer });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('href="/v1/cases?receivedFrom=');
  });

  it('consolidates the province: submitted reports summed (not recomputed), a commune that did not submit listed', async () => {
    const dept = await reportOf('so-tnmt');
    expect((await call('POST', `/v1/reports/${dept.id}/submit`, await as('so-tnmt'), {})).status).toBe(200);
    // After the department submitted, a case arrives there: the consolidation keeps the submitted figure.
    await seed('so-tnmt', 'complaint_first', '2031-03-05T10:00:00+07:00', 1);
    const prov = await reportOf('tinh-demo');
    const c = await call('GET', `/v1/reports/${prov.id}/consolidation`, await as('tinh-demo', ['supervisor']));
    expect(c.status, c.text).toBe(200);
    expect((c.json.submitted as Json[]).map((x) => x.agencyId).sort()).toEqual(['so-tnmt', 'ubnd-xa-a']);
    const missing = c.json.notSubmitted as Json[];
    expect(missing.map((x) => x.agencyId).sort()).toEqual(['thanh-tra-tinh', 'ubnd-xa-b']);
    expect(missing.find((x) => x.agencyId === 'ubnd-xa-b')).toMatchObject({ status: 'draft' });
    const rows = (
      c.json.forms as Array<{ rows: Array<{ code: string; cells: Record<string, { value: number | null }> }> }>
    )[0]!.rows;
    // Own 1 (province) + 4 (department, as submitted) + 7 (commune A, version 2).
    expect(rows.find((r) => r.code === 'II.1')!.cells['1']!.value).toBe(12);
    expect(rows.find((r) => r.code === 'III.1')!.cells['1']!.value).toBe(4);
    // I.3 is summed (each head owes their own days): the province's, the department's and commune A's minimum.
    const levels = await api.tdb.db('agencies').whereIn('id', ['tinh-demo', 'so-tnmt', 'ubnd-xa-a']).pluck('level');
    expect(rows.find((r) => r.code === 'I.3')!.cells['1']!.value).toBe(
      requiredLeaderDays(levels, '2031-02-15', '2031-03-14').days,
    );
    // A hotspot spanning commune A and the department is in both submitted reports (VI.1.a: 2 and 1): the
    // province counts it once — the distinct hotspots, not the sum (3).
    const vi1a = rows.find((r) => r.code === 'VI.1.a')!.cells['1']! as { value: number; items?: string[] };
    expect(vi1a.value).toBe(2);
    expect(vi1a.items).toHaveLength(2);
    expect(rows.find((r) => r.code === 'VI.1.b')!.cells['1']!.value).toBe(1);
    // Commune A's central gatherings, as submitted (the province and the department have none).
    expect(rows.find((r) => r.code === 'VI.2.a')!.cells['1']!.value).toBe(ISSUE15['VI.2.a']);
    // A commune sees no consolidation of the province (outside its subtree).
    expect((await call('GET', `/v1/reports/${prov.id}/consolidation`, await as('ubnd-xa-a'))).status).toBe(404);
  });

  it('escalates an overdue report: audited under its regime and deadline source; the message by template, SMS too', async () => {
    const db = api.tdb.db;
    const late = await reportOf('ubnd-xa-b');
    const row = await db('reports').where({ id: late.id }).first();
    const parent = (await db('agencies').where({ id: 'ubnd-xa-b' }).first('parent_id')).parent_id as string;
    // The head of the agency above gets an SMS too (phone and preference set).
    const head = (await db('agency_staff').where({ agency_id: parent, position: 'head' }).first('person_id'))
      .person_id as string;
    await db('people').where({ id: head }).update({ email: 'head@above.test', phone: '+84901111222' });
    await db('notification_preferences').where({ person_id: head }).delete();
    await db('notification_preferences').insert({ person_id: head, channel: 'sms', kind: '*', enabled: true });
    const name = (await db('people').where({ id: head }).first('display_name')).display_name as string;
    const acts = createReportActivities({
      db,
      logger: pino({ level: 'silent' }),
      notifications: {
        resolveRecipients,
        publicBaseUrl: 'https://kntc.example.gov.vn',
        retry: { initialIntervalMs: 1000, maximumIntervalMs: 1000, periodMs: 1000 },
        email: {},
        sms: {},
      },
    });
    // Its sending deadline (in 2031) passed: the store refuses to mark a report overdue before it.
    await db('reports')
      .where({ id: late.id })
      .update({ due_at: new Date(Date.now() - 86_400_000) });
    const out = await acts.escalateOverdueReport({ reportId: late.id as string });
    expect(out.marked).toBe(true);
    const audit = await db('audit_log').where({ action: 'report.overdue' });
    const entry = audit.find((a) => (a.after as Json).reportId === late.id)!;
    const regime = regimeByCircular(row.regime as string)!;
    expect(entry.legal_basis).toContain(regime.citation);
    expect(entry.legal_basis).toContain((row.deadline as { source: string }).source);
    const mine = await db('notification_deliveries')
      .where({ notification_id: `rptntf-${late.id}-overdue`, person_id: head })
      .orderBy('channel');
    expect(mine.map((d) => d.channel)).toEqual(['email', 'inapp', 'sms']);
    const email = mine.find((d) => d.channel === 'email')!;
    expect(email.subject).toMatch(/^\[KNTC\] Chậm gửi báo cáo 2031-M03 của /);
    expect(email.body_text).toContain(`Kính gửi đồng chí ${name}`);
    expect(email.body_html).toContain(`<a href="https://kntc.example.gov.vn/v1/reports/${late.id}">`);
    const sms = mine.find((d) => d.channel === 'sms')!;
    expect(sms.address).toBe('+84901111222');
    expect(sms.body_text).toMatch(/^KNTC: Chậm gửi báo cáo 2031-M03 của .*\. Hạn: \d\d\/\d\d\/\d{4} \d\d:\d\d\. https/);
    expect(out.deliveries.length).toBeGreaterThanOrEqual(3);
    // Once: a retry marks and writes nothing twice.
    const again = await acts.escalateOverdueReport({ reportId: late.id as string });
    expect(again.marked).toBe(false);
    expect(
      await db('notification_deliveries').where({ notification_id: `rptntf-${late.id}-overdue`, person_id: head }),
    ).toHaveLength(3);
  });

  it('drafts daily what ended and is not drafted yet: a missed day is caught up, a second run drafts nothing', async () => {
    // The April period ended on the 14th; the schedule did not run on the 15th: the run of the 17th drafts it.
    const run = (lastDay: string) =>
      api.deps.temporal.workflow.execute('reportDraftingWorkflow', {
        taskQueue: api.deps.taskQueue,
        workflowId: `drafting-${randomUUID()}`,
        args: [{ lastDay, agencies: ['ubnd-xa-a'] }],
      }) as Promise<{ started: string[] }>;
    expect((await run(`${YEAR}-04-13`)).started).toEqual([]);
    expect((await run(`${YEAR}-04-17`)).started).toEqual([reportWorkflowId('ubnd-xa-a', 'monthly', `${YEAR}-M04`)]);
    const h = api.deps.temporal.workflow.getHandle(reportWorkflowId('ubnd-xa-a', 'monthly', `${YEAR}-M04`));
    for (let i = 0; i < 200 && (await h.query(getReportState)).reportId === null; i++)
      await new Promise((r) => setTimeout(r, 50));
    const drafted = await api.tdb.db('reports').where({ agency_id: 'ubnd-xa-a', period_key: `${YEAR}-M04` });
    expect(drafted).toHaveLength(1);
    expect(Number(drafted[0].current_version)).toBe(1);
    // Idempotent: the next days start nothing (the report exists), the March ones are not started again.
    expect((await run(`${YEAR}-04-18`)).started).toEqual([]);
  });

  it('registers the drafting schedule (daily, 00:05 Vietnam time) and it fires', async () => {
    const client = api.deps.temporal;
    expect(await ensureReportSchedule(client, api.deps.taskQueue)).toBe(true);
    expect(await ensureReportSchedule(client, api.deps.taskQueue)).toBe(false);
    const h = client.schedule.getHandle(REPORT_SCHEDULE_ID);
    try {
      const d = await h.describe();
      expect(d.spec.timezone).toBe(REPORT_SCHEDULE_SPEC.timezone);
      const next = d.info.nextActionTimes.slice(0, 3).map((t) => t.getTime());
      // 00:05 every day in Vietnam = 17:05 UTC the day before.
      for (const t of next) expect(new Date(t).toISOString()).toMatch(/T17:05:00/);
      expect(next[1]! - next[0]!).toBe(86_400_000);
      await h.trigger();
      let ran = false;
      for (let i = 0; i < 100 && !ran; i++) {
        const info = (await h.describe()).info.recentActions;
        if (info.length > 0) {
          const run = client.workflow.getHandle(
            info[0]!.action.workflow.workflowId,
            info[0]!.action.workflow.firstExecutionRunId,
          );
          await run.result();
          ran = true;
        } else await new Promise((r) => setTimeout(r, 100));
      }
      expect(ran).toBe(true);
    } finally {
      await h.delete();
    }
  });

  it('moves the deadline of reports not submitted (and their timers) when a holiday is added or withdrawn; a submitted one keeps its own', async () => {
    const db = api.tdb.db;
    // May 2031: the communes' configured day, Friday 16 May.
    await api.deps.temporal.workflow.execute('reportDraftingWorkflow', {
      taskQueue: api.deps.taskQueue,
      workflowId: `drafting-${randomUUID()}`,
      args: [{ lastDay: `${YEAR}-05-14`, agencies: ['ubnd-xa-a', 'ubnd-xa-b'] }],
    });
    const handle = (agency: string) =>
      api.deps.temporal.workflow.getHandle(reportWorkflowId(agency, 'monthly', `${YEAR}-M05`));
    for (const a of ['ubnd-xa-a', 'ubnd-xa-b'])
      for (let i = 0; i < 200 && (await handle(a).query(getReportState)).reportId === null; i++)
        await new Promise((r) => setTimeout(r, 50));
    const row = (agency: string) =>
      db('reports')
        .where({ agency_id: agency, kind: 'monthly', period_key: `${YEAR}-M05` })
        .first();
    const open = await row('ubnd-xa-a');
    const done = await row('ubnd-xa-b');
    const dueOn = async (agency: string) => (await reportOf2(agency)).dueOn as string;
    expect(await dueOn('ubnd-xa-a')).toBe(`${YEAR}-05-16`);
    // Commune B submits before the calendar changes.
    const sub = await call('POST', `/v1/reports/${done.id}/submit`, await as('ubnd-xa-b'), {});
    expect(sub.status, sub.text).toBe(200);
    const dueAtBefore = (await handle('ubnd-xa-a').query(getReportState)).dueAt!;
    const waitFor = async <T>(f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
      let v = await f();
      for (let i = 0; i < 300 && !ok(v); i++) {
        await new Promise((r) => setTimeout(r, 100));
        v = await f();
      }
      return v;
    };

    // 16 May becomes a day off: the open report's deadline rolls to Monday 19 May, and so does its timer.
    const admin = await as('tinh-demo', ['admin', 'system_admin']);
    const added = await call('POST', '/v1/admin/calendar/days-off', admin, {
      date: `${YEAR}-05-16`,
      name: 'Ngày nghỉ được công bố (kiểm thử)',
      source: 'Thông báo (kiểm thử)',
      reason: 'Ngày nghỉ công bố sau khi lập báo cáo',
    });
    expect(added.status, added.text).toBe(202);
    expect(
      await waitFor(
        () => dueOn('ubnd-xa-a'),
        (d) => d === `${YEAR}-05-19`,
      ),
    ).toBe(`${YEAR}-05-19`);
    const moved = await waitFor(
      async () => (await handle('ubnd-xa-a').query(getReportState)).dueAt,
      (d) => d !== dueAtBefore,
    );
    expect(Date.parse(moved!) - Date.parse(dueAtBefore)).toBe(3 * 86_400_000);
    expect(Date.parse(moved!)).toBe(new Date((await row('ubnd-xa-a')).due_at as string).getTime());
    // The workflow re-armed its escalation timer on the new deadline (the last timer fires about 3 days later).
    const fires = (await handle('ubnd-xa-a').fetchHistory()).events!.flatMap((e) =>
      e.timerStartedEventAttributes ? [Number(e.timerStartedEventAttributes.startToFireTimeout!.seconds)] : [],
    );
    expect(fires.length).toBeGreaterThanOrEqual(2);
    expect(Math.abs(fires.at(-1)! - fires[0]! - 3 * 86_400)).toBeLessThan(600);
    const audit = await db('audit_log').where({ action: 'report.deadline_changed' });
    expect(audit.find((a) => (a.after as Json).reportId === open.id)?.after).toMatchObject({
      dueOn: `${YEAR}-05-19`,
      calendarEntry: added.json.entry && (added.json.entry as Json).id,
    });
    // The submitted report keeps its deadline.
    expect(await dueOn('ubnd-xa-b')).toBe(`${YEAR}-05-16`);
    expect(audit.some((a) => (a.after as Json).reportId === done.id)).toBe(false);

    // The day off is withdrawn: the deadline and the timer come back to Friday 16 May.
    const withdrawn = await call(
      'POST',
      `/v1/admin/calendar/entries/${(added.json.entry as Json).id as string}/withdraw`,
      admin,
      { reason: 'Thông báo thu hồi', source: 'Thông báo thu hồi (kiểm thử)' },
    );
    expect(withdrawn.status, withdrawn.text).toBe(202);
    expect(
      await waitFor(
        () => dueOn('ubnd-xa-a'),
        (d) => d === `${YEAR}-05-16`,
      ),
    ).toBe(`${YEAR}-05-16`);
    const back = await waitFor(
      async () => (await handle('ubnd-xa-a').query(getReportState)).dueAt,
      (d) => Date.parse(d!) === Date.parse(dueAtBefore),
    );
    expect(Date.parse(back!)).toBe(Date.parse(dueAtBefore));
    expect((await handle('ubnd-xa-a').query(getReportState)).escalated).toBe(false);
  });
  it('never escalates before a moved deadline; a retried deadline recompute answers the reports it moved before', async () => {
    const db = api.tdb.db;
    const acts = createReportActivities({
      db,
      logger: pino({ level: 'silent' }),
      notifications: {
        resolveRecipients,
        publicBaseUrl: 'https://kntc.example.gov.vn',
        retry: { initialIntervalMs: 1000, maximumIntervalMs: 1000, periodMs: 1000 },
      },
    });
    const waiting = await db('reports')
      .whereIn('status', ['draft', 'in_review'])
      .whereNull('escalated_at')
      .orderBy('id')
      .first();
    expect(waiting).toBeDefined();
    const original = { due_on: waiting.due_on as unknown, due_at: waiting.due_at as Date };
    const overdue = () =>
      db('audit_log').where({ action: 'report.overdue' }).whereRaw(`after->>'reportId' = ?`, [waiting.id]);

    // The deadline moved later (a holiday added) and the old timer fired anyway: refused, nothing written or sent.
    const later = new Date(Date.now() + 2 * 86_400_000);
    await db('reports').where({ id: waiting.id }).update({ due_at: later });
    const esc = await acts.escalateOverdueReport({ reportId: waiting.id as string, refuseBeforeDue: true });
    expect(esc).toMatchObject({ marked: false, deliveries: [] });
    expect(Date.parse(esc.notDueUntil!)).toBe(later.getTime());
    expect(await overdue()).toEqual([]);
    expect(await db('reports').where({ id: waiting.id }).first('overdue', 'escalated_at')).toEqual({
      overdue: false,
      escalated_at: null,
    });
    expect(await db('notification_deliveries').where({ notification_id: `rptntf-${waiting.id}-overdue` })).toEqual([]);

    // The stored deadline differs from the calendar's (as before a calendar change is fanned out): the recompute
    // moves it back and answers it; its retry (the first attempt timed out after moving) answers it again.
    await db('reports')
      .where({ id: waiting.id })
      .update({ due_at: later, due_on: later.toISOString().slice(0, 10) });
    const change = { entryId: `cal-${randomUUID()}`, version: '1', reason: 'kiểm thử: lần thử lại' };
    const first = await acts.recomputeReportDeadlines({ change });
    expect(first.map((r) => r.reportId)).toContain(waiting.id);
    const row = await db('reports').where({ id: waiting.id }).first('due_at');
    expect((row.due_at as Date).getTime()).toBe(original.due_at.getTime());
    const retry = await acts.recomputeReportDeadlines({ change });
    expect(retry.filter((r) => r.reportId === waiting.id)).toEqual(first.filter((r) => r.reportId === waiting.id));
    // Another change that moves nothing answers nothing.
    const other = await acts.recomputeReportDeadlines({ change: { ...change, entryId: `cal-${randomUUID()}` } });
    expect(other.map((r) => r.reportId)).not.toContain(waiting.id);
    expect(
      await db('audit_log')
        .where({ action: 'report.deadline_changed' })
        .whereRaw(`after->>'calendarEntry' = ?`, [change.entryId]),
    ).toHaveLength(1);
  });
});

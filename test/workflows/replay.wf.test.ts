/**
 * Replays every committed history (test/histories/*.json, recorded by scripts/record-histories.ts)
 * against the current workflow code: a determinism break fails CI. Keep old fixtures.
 * The fixtures are committed, so they are also scanned for personal data (nothing personal may
 * reach Temporal history: ADR 0006; the denouncer's identity, Luật Tố cáo 2018 Art 8(3)).
 */
import fs from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/temporal.js';

const dir = new URL('../histories/', import.meta.url);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Histories of the paths added with the ADR 0005 follow-up: they must stay among the fixtures. */
const REQUIRED = [
  'withdrawal-terminates.json',
  'withdrawal-terminates.child-1.json',
  'withdrawal-terminates-consult-timeout.json',
  'withdrawal-terminates-consult-timeout.child-1.json',
  'withdrawal-terminates-cancelled.json',
  'withdrawal-terminates-cancelled.child-1.json',
  'complaint-first-v2-breach.json',
  // ADR 0018: an extension entered after K3 ran out supersedes the breach (patch kntc-late-legal-events-v1).
  'complaint-first-v2-late-extension.json',
  // ADR 0026 (session 8): recorded before kntc-webhook-redelivery-lane-v1 — a redelivery taken on by the workflow
  // while a fast-path window was open (webhookEventLane, deliverWebhookBatch mid-window), a handed-back failure.
  'webhook-redelivery-mid-window.json',
  // ADR 0032 (session 9): recorded before kntc-report-deadline-recheck-v1 — a report's timer fired and it was
  // escalated at once (no deadline re-read), its message delivered, then submitted.
  'report-escalated-before-recheck.json',
];

/**
 * Every text a history carries: payloads decoded (inputs, results, update arguments, markers,
 * search attributes, memos) and the other string values (failure messages, ...), with their JSON path.
 * Worker identities (`pid@host`) are the server's bookkeeping, not case data.
 */
function historyTexts(json: unknown): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      out.push({ path, text: v });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.data === 'string' && o.metadata && typeof o.metadata === 'object') {
      out.push({ path: `${path}.data`, text: Buffer.from(o.data, 'base64').toString('utf8') });
      return;
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'identity') walk(x, `${path}.${k}`);
  };
  walk(json, '$');
  return out;
}

/** Keys whose (non-empty) value would be personal data. */
const PERSONAL_KEY =
  /"(full_?name|ho_?ten|person_?name|phone(_?number)?|mobile|so_?dien_?thoai|e_?mail|address|dia_?chi|cccd|cmnd|id_?number|identity_?number|national_?id|passport(_?number)?|date_?of_?birth|dob|denouncer\w*)"\s*:\s*"[^"]+"/i;
const PATTERNS: Array<[string, RegExp]> = [
  // Vietnamese mobile / landline numbers: 0xx... (10 digits) or +84 / 84 prefix.
  ['phone number', /(?<![\w.:/-])(?:\+?84|0)[235789]\d{8}(?![\w])/],
  // Citizen ID (CCCD, 12 digits) and old ID card (CMND, 9 digits).
  ['ID number', /(?<![\w.:/-])(?:\d{12}|\d{9})(?![\w:])/],
  ['email address', /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/i],
  // A Vietnamese full name: a common family name followed by two or more capitalised words.
  [
    'personal name',
    /(?<!\p{L})(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý)(?:\s+\p{Lu}\p{Ll}*){2,}/u,
  ],
  ['personal data field', PERSONAL_KEY],
];

/** What in a history looks like personal data: `kind at path: excerpt`. */
function personalData(json: unknown): string[] {
  const hits: string[] = [];
  for (const { path, text } of historyTexts(json)) {
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(text);
      if (m) hits.push(`${kind} at ${path}: …${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 10)}…`);
    }
  }
  return hits;
}

describe('replay of committed histories', () => {
  it('has fixtures, including the terminate / cancelled linked case / built-in lifecycle paths', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files).toEqual(expect.arrayContaining(REQUIRED));
  });

  it('replays every history without a determinism error', async () => {
    const histories = files.map((f) => ({
      workflowId: f,
      history: historyFromJSON(JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8'))),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), replayName: 'fixtures' },
      histories,
    )) {
      replayed += 1;
      if (r.error) failures.push(`${r.workflowId}: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });

  it('the new fixtures exercise the paths they are kept for', () => {
    const text = (f: string) =>
      historyTexts(JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8')))
        .map((t) => t.text)
        .join('\n');
    const types = (f: string) =>
      (JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8')) as { events: Array<{ eventType: string }> }).events.map(
        (e) => e.eventType,
      );
    // Terminate end event: the linked case is cancelled through an external cancel request.
    expect(types('withdrawal-terminates.json')).toEqual(
      expect.arrayContaining([
        'EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
        'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
        'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
      ]),
    );
    expect(text('withdrawal-terminates.json')).toContain('kntc-cancel-interrupted-linked-cases-v1');
    expect(types('withdrawal-terminates.child-1.json').at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED');
    expect(types('withdrawal-terminates-consult-timeout.json')).toEqual(
      expect.arrayContaining([
        'EVENT_TYPE_TIMER_FIRED',
        'EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
      ]),
    );
    expect(types('withdrawal-terminates-cancelled.json').at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED');
    // Built-in lifecycle: the recordCaseEvent result dates `accepted` (patch), K3 breached, search attributes.
    const life = text('complaint-first-v2-breach.json');
    expect(life).toContain('kntc-case-events-from-activity-v1');
    expect(life).toContain('kntc-search-attributes-v1');
    expect(life).toMatch(/"event":"accepted","on":"\d{4}-\d{2}-\d{2}"/);
    expect(life).toContain('"name":"suspend"');
    expect(life).toContain('"name":"resume"');
    expect(life).toContain('breach.headReview');
  });

  it('the scan finds personal data planted in a history', () => {
    const payload = (o: unknown) => ({
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from(JSON.stringify(o)).toString('base64'),
    });
    const history = (o: unknown) => ({
      events: [{ eventId: '1', workflowExecutionStartedEventAttributes: { input: { payloads: [payload(o)] } } }],
    });
    expect(
      personalData(history({ variables: { receivedOn: '2026-11-28', agencyId: 'so-tnmt', count: 123456 } })),
    ).toEqual([]);
    expect(personalData(history({ variables: { contact: '0912345678' } }))[0]).toMatch(/^phone number/);
    expect(personalData(history({ variables: { note: 'số +84912345678' } }))[0]).toMatch(/^phone number/);
    expect(personalData(history({ variables: { ref: '001203004567' } }))[0]).toMatch(/^ID number/);
    expect(personalData(history({ variables: { ref: '123456789' } }))[0]).toMatch(/^ID number/);
    expect(personalData(history({ variables: { contact: 'an.nguyen@example.vn' } }))[0]).toMatch(/^email address/);
    expect(personalData(history({ variables: { note: 'Ông Nguyễn Văn An tố cáo' } }))[0]).toMatch(/^personal name/);
    expect(personalData(history({ variables: { denouncerName: 'X' } }))[0]).toMatch(/^personal data field/);
    // Failure messages are scanned too (outside payloads).
    expect(personalData({ events: [{ failure: { message: 'bad phone 0987654321' } }] })[0]).toMatch(
      /^phone number at \$\.events\[0\]\.failure\.message/,
    );
  });

  it('no committed history carries personal data (names, phone numbers, ID numbers, e-mail addresses)', () => {
    const hits = files.flatMap((f) =>
      personalData(JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8'))).map((h) => `${f}: ${h}`),
    );
    expect(hits).toEqual([]);
  });
});

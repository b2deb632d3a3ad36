import { createHash, randomUUID } from 'node:crypto';
import { DateTime, FixedOffsetZone } from 'luxon';
import { z } from 'zod';
import { derivePin } from '../../db/case-pins.js';
import { auditAppendCtes, lockAuditHead } from '../../db/audit.js';
import { PARTY_ROLES, partiesInsertCte } from '../../db/parties.js';
import { recordCaseStarted } from '../../platform/metrics.js';
import { createCaseSearch } from '../../db/case-search.js';
import { caseReference as referenceOf, REFERENCE_DIGITS } from '../../db/cases.js';
import type { Db } from '../../db/knex.js';
import { CHANNELS, MASS_CASE_MIN_SIGNERS } from '../../processes/builtin/index.js';
import { caseWorkflowId, PROCESS_WORKFLOW, SA, type CaseType, type ProcessInput } from '../../workflows/contract.js';
import { buildCaseView, CaseDetailView, FlagsView, loadExtras } from '../case-view.js';
import { queryCaseState } from '../workflow-errors.js';
import { withVnInstants } from '../instants.js';
import { actorOf } from '../auth/principal.js';
import { completeCte, requestHash, reserveCte } from '../idempotency.js';
import { HttpProblem, problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import type { Principal } from '../auth/principal.js';
import type { JsonValue } from '../../workflows/engine/index.js';
import type { EstablishedFacts } from '../../workflows/engine/runtime/index.js';
import { AgencyId, CaseId, Cursor, encodeCursor, IDEMPOTENCY_KEY, IsoInstant, NodeRef } from '../schemas.js';

export const VN_ZONE = 'Asia/Ho_Chi_Minh';

/** A party as given at intake; stored encrypted before the workflow starts (only references reach Temporal). */
export const PartyInput = z.strictObject({
  role: z.enum(PARTY_ROLES),
  name: z.string().trim().min(1).max(200),
  idNumber: z.string().trim().regex(/^[0-9A-Za-z]{6,20}$/, '6-20 letters or digits').optional(),
  phone: z.string().trim().regex(/^\+?[0-9 .-]{6,20}$/, 'a phone number').optional(),
  address: z.string().trim().min(1).max(500).optional(),
  email: z.email().max(254).optional(),
  isRepresentative: z.boolean().default(false),
}).meta({ id: 'PartyInput' });

/** Metadata of a document received with the case (the file itself lives in the document store). */
export const AttachmentInput = z.strictObject({
  name: z.string().trim().min(1).max(255),
  mediaType: z.string().max(100).regex(/^[A-Za-z]+\/[A-Za-z0-9.+-]+$/, 'a media type such as application/pdf'),
  sizeBytes: z.number().int().min(0).max(1_000_000_000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits').optional(),
  pages: z.number().int().min(1).max(100_000).optional(),
}).meta({ id: 'AttachmentInput' });

const ISO_INSTANT_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/**
 * `IsoInstant`'s check (api/schemas.ts: the pattern and luxon's validity) without luxon for the strings a
 * client sends (ADR 0011, follow-up 2): a match whose fields are all in range (month, the day in that month
 * of the Gregorian calendar, hour ≤ 23, minute and second ≤ 59, offset ≤ 15:59) is valid for luxon too;
 * anything else (hour 24, year before 1900, an odd offset) goes to luxon. Checked equal over random strings
 * (test/unit/case-start-fast.test.ts).
 */
export function isIsoInstant(s: string): boolean {
  const m = ISO_INSTANT_PARTS.exec(s);
  if (m) {
    const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
    const days = mo === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
    if (y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= days && +m[4]! <= 23 && +m[5]! <= 59 && (m[6] === undefined || +m[6] <= 59)
      && (m[7] === undefined || (+m[7] <= 15 && +m[8]! <= 59))) return true;
  }
  return IsoInstant.safeParse(s).success;
}
/** `IsoInstant` for `receivedAt`: the same strings, message and schema (max 40, date-time). */
const ReceivedAt = z.string().max(40).refine(isIsoInstant, { message: 'must be an ISO-8601 date-time with an offset (at most ±15:59, year 1900 or later), e.g. 2026-07-01T09:30:00+07:00' })
  .meta({ format: 'date-time', example: '2026-07-01T09:30:00+07:00' });

/** Request body of `POST /v1/cases` (grows with the lifecycles). */
export const CreateCaseBody = z.strictObject({
  type: z.enum(['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition']),
  // One list: every channel the built-in definitions take (processes/builtin/letter.ts CHANNELS).
  channel: z.enum(CHANNELS).meta({ description: 'How the case arrived (the `channel` values the definitions use)' }),
  receivedAt: ReceivedAt,
  agencyId: AgencyId,
  subject: z.string().trim().min(1).max(500),
  remoteArea: z.boolean().default(false),
  parties: z.array(PartyInput).max(50).default([]),
  respondent: z.string().trim().min(1).max(500).optional()
    .meta({ description: 'The decision, act, agency or official complained about / denounced (a description; people go in `parties`)' }),
  contentSummary: z.string().trim().min(1).max(4000).optional().meta({ description: 'Summary of the content (no personal data of a denouncer)' }),
  attachments: z.array(AttachmentInput).max(100).default([]),
  signersCount: z.number().int().min(1).max(100_000).optional()
    .meta({ description: 'Number of people who signed (mass cases: 5 or more); representatives are the parties with isRepresentative' }),
}).meta({ id: 'CreateCase' });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

const CreatedCase = z.object({
  id: CaseId, reference: z.string(), workflowId: z.string(), runId: z.string(), status: z.string(), stage: z.string(),
  pin: z.string().meta({ description: 'Citizen PIN for the public status look-up; print it on the receipt notice. Given again (audited) by GET /v1/cases/:id/receipt, to intake, officers and admins of the agency of the case only.' }),
  parties: z.array(z.object({ id: z.string(), role: z.enum(PARTY_ROLES) })),
  definition: z.object({ key: z.string(), version: z.number().int(), hash: z.string(), pin: z.string() })
    .meta({ description: 'The definition version pinned by the case (chosen by case type and receipt date in Vietnam)' }),
  links: z.object({ self: z.string() }),
}).meta({ id: 'CreatedCase' });


// Vietnam has kept UTC+7 without daylight saving since 13/06/1975 (IANA Asia/Ho_Chi_Minh): a fixed offset
// gives the same local date as the IANA zone for any later instant, without an Intl look-up per call.
const VN_FIXED = FixedOffsetZone.instance(7 * 60);
const VN_FIXED_SINCE = Date.UTC(1975, 5, 13);
/** The instant in Vietnam's local time. */
export function inVietnam(t: DateTime): DateTime {
  return t.toMillis() >= VN_FIXED_SINCE ? t.setZone(VN_FIXED) : t.setZone(VN_ZONE);
}

/**
 * The receipt instant of a validated `receivedAt` (IsoInstant): epoch ms, the receipt date in Vietnam and the
 * UTC ISO form. `Date.parse` gives luxon's instant for every such string it parses (checked over random
 * strings of the IsoInstant pattern, fractions and hour 24 included); a string it refuses (an offset such
 * as +19:61, which luxon accepts) or an instant before the fixed offset applies goes through luxon.
 */
export function receiptInstant(receivedAt: string): { ms: number; on: string; utc: string } {
  const ms = Date.parse(receivedAt);
  if (!Number.isNaN(ms) && ms >= VN_FIXED_SINCE) {
    return { ms, on: new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10), utc: new Date(ms).toISOString() };
  }
  const t = DateTime.fromISO(receivedAt, { setZone: true });
  return { ms: t.toMillis(), on: inVietnam(t).toISODate()!, utc: t.toUTC().toISO()! };
}

/**
 * ADR 0016: undoes a start whose read-model seed (step 3) failed, so that a refused request leaves no
 * running workflow and no rows. Not undone: a case another identical request (same key) recorded
 * already; nor, when the database cannot even be asked and a key was sent, a case that request may be
 * recording (the retry with the key finishes it, ADR 0011). Without a key the id is this request's own.
 */
async function abandonStart(a: {
  db: Db; log: { error(o: object, m: string): void } | undefined; handle: { terminate(reason?: string): Promise<unknown> };
  caseId: string; key: string | undefined; scope: string; err: unknown;
}): Promise<void> {
  const code = (a.err as { code?: unknown })?.code;
  let recorded: boolean | undefined;
  try { recorded = Boolean(await a.db('cases').where({ id: a.caseId }).first('id')); } catch { recorded = undefined; }
  // Logged without the error's message: a database error may quote the request's text.
  a.log?.error({ caseId: a.caseId, sqlstate: typeof code === 'string' ? code : undefined, recorded }, 'case start: the read-model seed failed');
  if (recorded === true || (recorded === undefined && a.key !== undefined)) return;
  await a.handle.terminate('case start abandoned: its read-model row could not be written').catch(() => undefined);
  try {
    await a.db.transaction(async (trx) => {
      await trx('parties').where({ case_id: a.caseId }).delete();
      await trx('case_pins').where({ case_id: a.caseId }).delete();
      if (a.key !== undefined) await trx('idempotency_keys').where({ scope: a.scope, key: a.key }).delete();
    });
  } catch (cleanupErr) {
    const c = (cleanupErr as { code?: unknown })?.code;
    a.log?.error({ caseId: a.caseId, sqlstate: typeof c === 'string' ? c : undefined }, 'case start: rows of the abandoned start not removed');
  }
}

const statementNames = new Map<string, string>();
/** The `$n` text of each prepared start statement (same bound as the names: one entry per prepared text). */
const statementTexts = new Map<string, { text: string; n: number }>();
const MAX_PREPARED = 200;
/** How many statement texts the start path has prepared (a test holds the shapes to a handful). */
export const preparedStartStatements = (): number => statementNames.size;
/**
 * `db.raw` as a named prepared statement (ADR 0011, follow-up): the start's two statements have a handful
 * of shapes (claim or not, how many parties), each parsed and planned once per pooled connection instead
 * of on every POST. The name is derived from the text, so one name always means one text.
 */
function prepared<R>(db: Db, sql: string, bindings: readonly unknown[]): Promise<R> {
  let name = statementNames.get(sql);
  if (name === undefined) {
    // Bounded: each name is a prepared statement on every pooled connection; past the bound, unnamed.
    if (statementNames.size >= MAX_PREPARED) return direct<R>(db, sql, bindings, undefined);
    name = `kntc_start_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    statementNames.set(sql, name);
  }
  return direct<R>(db, sql, bindings, name);
}

interface PgClient { query(q: { name?: string; text: string; values: readonly unknown[] }): Promise<unknown> }
interface KnexClient { acquireConnection(): Promise<PgClient>; releaseConnection(c: PgClient): Promise<unknown> }

/**
 * The statement on a connection of knex's pool, without knex's query compilation and runner (≈ 0.2 ms of
 * CPU per statement on this path): `?` placeholders become `$n` as knex's PostgreSQL dialect does, values go
 * to pg unchanged as knex passes them, an undefined value is refused as knex refuses it, and knex's `query`
 * event is emitted so that observers (statement counts in tests and the benchmark) see every statement.
 */
async function direct<R>(db: Db, sql: string, bindings: readonly unknown[], name: string | undefined): Promise<R> {
  // A prepared text was checked and converted when it was first run.
  let converted = name === undefined ? undefined : statementTexts.get(sql);
  if (converted === undefined) {
    if (sql.includes('??') || sql.includes('\\?')) return db.raw(sql, bindings as never[]) as unknown as Promise<R>;
    let n = 0;
    converted = { text: sql.replace(/\?/g, () => `$${++n}`), n };
    if (name !== undefined) statementTexts.set(sql, converted);
  }
  const { text, n } = converted;
  if (n !== bindings.length) throw new Error(`start statement: ${n} placeholders, ${bindings.length} bindings`);
  if (bindings.some((b) => b === undefined)) throw new Error('start statement: undefined binding');
  const client = db.client as unknown as KnexClient;
  // On the client, as knex's runner emits: a transaction's client passes it on to the root instance's observers.
  (db.client as unknown as { emit(e: string, o: unknown): void }).emit('query', { method: 'raw', sql, bindings, options: name ? { name } : {} });
  const conn = await client.acquireConnection();
  try {
    return await conn.query(name ? { name, text, values: bindings } : { text, values: bindings }) as R;
  } finally {
    await client.releaseConnection(conn);
  }
}

/** Human reference printed on receipts (db/cases.ts: linked cases get theirs the same way). */
export const caseReference: (id: string, type: CaseType, receivedAt: string, digits?: number) => string = referenceOf;

const example = {
  type: 'denunciation', channel: 'portal', receivedAt: '2026-07-01T09:30:00+07:00', agencyId: 'so-tnmt',
  subject: 'Tố cáo hành vi cấp giấy chứng nhận sai quy định',
  parties: [{ role: 'denouncer', name: 'Nguyễn Văn A', idNumber: '001203004567', phone: '0912345678' }],
};

const STAFF = ['intake', 'officer', 'supervisor', 'admin'] as const;

const caseSearchOf = (db: Db) => createCaseSearch(db);

const Bool = z.enum(['true', 'false']).optional();
/** Query of `GET /v1/cases`. */
export const CaseListQuery = z.strictObject({
  type: z.enum(['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition']).optional(),
  stage: NodeRef.optional().meta({ description: 'Id of a current step of the definition (e.g. `verify`)' }),
  status: z.enum(['open', 'closed']).optional(),
  agencyId: AgencyId.optional().meta({ description: 'Narrow to this agency\'s subtree (must be within the caller\'s)' }),
  overdue: Bool, atRisk: Bool, mass: Bool, complex: Bool, remote: Bool, suspended: Bool,
  dueBefore: IsoInstant.optional(), dueAfter: IsoInstant.optional(),
  receivedFrom: IsoInstant.optional(), receivedTo: IsoInstant.optional(),
  sort: z.enum(['receivedAt', '-receivedAt', 'nextDueAt', '-nextDueAt']).default('-receivedAt'),
  after: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const CaseReceipt = z.object({
  caseId: CaseId, reference: z.string(), pin: z.string().regex(/^\d{8}$/),
  publicLookup: z.string().meta({ description: 'The public status look-up for this reference and PIN' }),
}).meta({ id: 'CaseReceipt' });

const CaseSummary = z.object({
  id: z.string(), reference: z.string(), caseType: z.string(), channel: z.string(), agencyId: z.string(), subject: z.string(),
  receivedAt: z.string(), stage: z.string(), status: z.string(), nextDueAt: z.string().nullable(),
  flags: FlagsView, link: z.string(),
}).meta({ id: 'CaseSummary' });
const CaseList = z.object({ items: z.array(CaseSummary), next: z.string().nullable() }).meta({ id: 'CaseList' });


/** What {@link startCase} needs: the validated body, the key claim (Idempotency-Key or an import's source id) and the caller. */
export interface StartCaseArgs {
  services: Services;
  principal: Principal;
  requestId: string;
  log: { error(o: object, m: string): void } | undefined;
  body: CreateCaseBody;
  /** The idempotency key claimed for the case (with `scope` and the request `hash`), if any. */
  key: string | undefined;
  scope: string;
  hash: string;
  /** An imported case: the facts its workflow applies before it runs on (ADR 0027). */
  established?: EstablishedFacts;
  /** The audit action (default `case.received`) and what it adds to the entry's `after`. */
  action?: string;
  auditAfter?: Record<string, JsonValue>;
}

/**
 * Receives a case: the start path of `POST /v1/cases` (ADR 0011), shared with the import of cases
 * under way (ADR 0027). Answers the created case (status 201, the PIN in clear) or, for a key an
 * identical earlier request finished, its stored answer (`replayed`).
 */
export async function startCase(a: StartCaseArgs): Promise<{ status: number; body: Record<string, unknown>; replayed: boolean }> {
  const { services, principal, requestId, body, key, scope, hash } = a;
  const { deps, idempotency: idem, parties, pins } = services;
  const received = receiptInstant(body.receivedAt);
  if (received.ms > Date.now() + 5 * 60_000) {
    throw problems.validation([{ path: 'receivedAt', message: 'must not be in the future' }]);
  }
  // The law version follows the receipt date in Vietnam (NĐ 155/2026 Art 22): 30/06 vs 01/07/2026.
  const receivedOn = received.on;
  const withPin = (b: Record<string, unknown>) => ({ ...b, pin: derivePin(deps.pii.key(String(b.pinKid)), String(b.id)), pinKid: undefined });
  const pinKid = deps.pii.currentKid;
  // The citizen PIN of a case id under the current key, derived once per id (an HMAC each).
  let lastPin: { caseId: string; pin: string } | undefined;
  const pinOf = (caseId: string): string => {
    if (lastPin?.caseId !== caseId) lastPin = { caseId, pin: derivePin(deps.pii.key(pinKid), caseId) };
    return lastPin.pin;
  };
  const db = deps.db;

  // 1. One statement (one implicit transaction) before the start: the definition version in force
  // (the selection of definitions.select: effective on the receipt date, highest version, then
  // smallest key), the key claim, the parties' personal data (encrypted) and the PIN hash — the
  // workflow only ever gets the case id and party references. Nothing is written when no definition
  // applies; with a key, parties and PIN are written only if this request claimed it. None of it is
  // visible through the API until the read-model row of step 3 exists.
  const referenceOf = (caseId: string, digits?: number) => caseReference(caseId, body.type, body.receivedAt, digits);
  // ADR 0013: only system-level versions and those governed by the case's agency or an ancestor.
  const agencyLine = await services.agencies.ancestors(body.agencyId);
  const intake = async (caseId: string, claim: boolean, reference: string) => {
    const sealed = parties.sealAll(caseId, body.parties.map(({ role, ...identity }) => ({ role, identity })));
    const when = claim ? 'EXISTS (SELECT 1 FROM idem)' : 'EXISTS (SELECT 1 FROM defs)';
    const ctes = [
      {
        sql: `defs AS (
            SELECT d.key, d.version, d.hash FROM process_definitions d
              LEFT JOIN definition_owners o ON o.key = d.key AND o.version = d.version
             WHERE d.case_type = ? AND d.effective_from <= ?::date AND (d.effective_to IS NULL OR d.effective_to > ?::date)
               AND (o.agency_id IS NULL OR o.agency_id = ANY(?::text[]))
             ORDER BY d.version DESC, d.key COLLATE "C" LIMIT 1
          )`,
        bindings: [body.type, receivedOn, receivedOn, `{${agencyLine.map((a) => `"${a}"`).join(',')}}`],
      },
      ...(claim ? [reserveCte(scope, key!, hash, caseId, 'idem', 'EXISTS (SELECT 1 FROM defs)')] : []),
      ...(sealed.length ? [partiesInsertCte(sealed, 'parties_ins', when)] : []),
      await pins.insertCte(reference, caseId, pinOf(caseId), 'pin_ins', when),
    ];
    // owner: the case that already held this reference when the statement began (the PIN row is
    // the reference registry; our own insert is not visible to the SELECT), null when it was free.
    const r = await prepared<{ rows: Array<{ def: { key: string; version: number; hash: string } | null; fresh: boolean; owner: string | null }> }>(db,
      `WITH ${ctes.map((c) => c.sql).join(', ')}
       SELECT (SELECT row_to_json(defs) FROM defs) AS def, ${claim ? 'EXISTS (SELECT 1 FROM idem)' : 'true'} AS fresh,
              (SELECT case_id FROM case_pins WHERE reference = ?) AS owner`,
      [...ctes.flatMap((c) => c.bindings), reference],
    );
    const row = r.rows[0]!;
    if (!row.def) {
      throw new HttpProblem(422, 'no-definition', 'No process definition applies',
        `No registered definition of case type ${body.type} is effective on ${receivedOn} (the receipt date in Vietnam)`);
    }
    return { def: row.def, fresh: row.fresh, taken: row.owner !== null && row.owner !== caseId, refs: sealed.map((p) => ({ id: p.id, role: p.role })) };
  };
  // A reference already held by another case: the same id under a longer reference (its PIN row
  // claims it; parties are idempotent per case id).
  const freeReference = async (caseId: string, taken: boolean): Promise<string> => {
    for (const digits of REFERENCE_DIGITS.slice(1)) {
      if (!taken) break;
      const longer = referenceOf(caseId, digits);
      taken = (await intake(caseId, false, longer)).taken;
      if (!taken) return longer;
    }
    if (taken) throw new Error(`case ${caseId}: no free reference`);
    return referenceOf(caseId);
  };
  let id: string = deps.newCaseId?.() ?? randomUUID();
  let reference = referenceOf(id);
  const first = await intake(id, Boolean(key), reference);
  let refs = first.refs;
  if (first.taken && (!key || first.fresh)) reference = await freeReference(id, true);
  if (key && !first.fresh) {
    const earlier = await idem.lookup(scope, key, hash); // a different body under this key → 422
    if (earlier.response) {
      return { status: earlier.response.status, body: withPin(earlier.response.body as Record<string, unknown>), replayed: true };
    }
    // An identical earlier request did not finish: finish it with the same id (the rows are idempotent).
    id = earlier.resourceId;
    reference = referenceOf(id);
    let again = await intake(id, false, reference);
    if (again.taken) {
      // The earlier request moved to a longer reference: its PIN row has it.
      const own = await db('case_pins').where({ case_id: id }).first<{ reference: string } | undefined>('reference');
      reference = own?.reference ?? await freeReference(id, true);
      again = await intake(id, false, reference);
    }
    ({ refs } = again);
  }
  // Versions are immutable: the content comes from the process-wide cache once read.
  const chosen = await services.definitions.getCached(first.def.key, first.def.version, first.def.hash);
  if (!chosen) throw new Error(`definition ${first.def.key}@${first.def.version} vanished`);
  const pin = { key: chosen.key, version: chosen.version, hash: chosen.hash, label: `${chosen.key}@${chosen.version}+${chosen.hash}` };
  const citizenPin = pinOf(id);

  // References only: party ids and roles, never identities.
  const signerRefs = refs.filter((r) => r.role === 'complainant' || r.role === 'denouncer').map((r) => r.id);
  const representativeRefs = refs.filter((_r, i) => body.parties[i]?.isRepresentative).map((r) => r.id);
  const signers = Math.max(body.signersCount ?? 0, signerRefs.length);
  const input: ProcessInput = {
    caseId: id, caseType: body.type, agencyId: body.agencyId, reference,
    definition: chosen.content, pin,
    variables: {
      caseId: id, reference, receivedOn, channel: body.channel, remoteArea: body.remoteArea,
      signerRefs, representativeRefs, signersCount: signers, massCase: signers >= MASS_CASE_MIN_SIGNERS,
    },
    caseEvents: { received: receivedOn },
    ...(a.established === undefined ? {} : { established: a.established }),
  };
  const receivedAtUtc = received.utc;
  const workflowId = caseWorkflowId(id);
  // 2. The workflow. If this fails, nothing of step 1 is visible (no read-model row), and a retry
  // with the same key finishes the case under the same id.
  const handle = await deps.temporal.workflow.start(PROCESS_WORKFLOW, {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [input],
    // A retried request (same business key) attaches to the running case instead of failing or duplicating.
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: SA.caseType, value: body.type },
      { key: SA.agencyId, value: body.agencyId },
      { key: SA.stage, value: 'received' },
      { key: SA.receivedAt, value: new Date(receivedAtUtc) },
    ],
  });
  const stored = {
    id, reference, workflowId, runId: handle.firstExecutionRunId, status: 'open', stage: 'received', parties: refs,
    definition: { key: pin.key, version: pin.version, hash: pin.hash, pin: pin.label }, links: { self: `/v1/cases/${id}` },
  };
  // 3. One statement once the workflow runs: the read-model seed (visible at once; the workflow's
  // projections supersede it), its audit entry — both only if the seed is new, so a retry finishing
  // an interrupted request adds neither twice — and the stored response of the key. It commits as a
  // whole, after the chain head it advances was locked (below).
  const seed = {
    sql: `c AS (
        INSERT INTO cases (id, reference, workflow_id, case_type, channel, agency_id, subject, remote_area, received_at, stage, status,
                           projection_seq, definition_key, definition_version, definition_hash, details, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, 'received', 'open', 0, ?, ?::int, ?, ?::jsonb, now())
        ON CONFLICT DO NOTHING RETURNING id
      )`,
    bindings: [
      id, reference, workflowId, body.type, body.channel, body.agencyId, body.subject, body.remoteArea, receivedAtUtc,
      pin.key, pin.version, pin.hash,
      JSON.stringify({
        ...(body.respondent ? { respondent: body.respondent } : {}), ...(body.contentSummary ? { contentSummary: body.contentSummary } : {}),
        attachments: body.attachments, signersCount: signers, representatives: representativeRefs.length,
      }),
    ],
  };
  // The audit chain's keyed hash is computed here (ADR 0014: the HMAC key never reaches PostgreSQL), so
  // the statement runs in a transaction that first locks the chain head; the head lock is held for that
  // statement and the COMMIT.
  let done: { rows: Array<{ fresh: boolean; audited: boolean }> };
  try {
    done = await db.transaction(async (trx) => {
      const entry = auditAppendCtes({
        actor: actorOf(principal), action: a.action ?? 'case.received', caseId: id, requestId,
        after: {
          reference, caseType: body.type, channel: body.channel, agencyId: body.agencyId, receivedAt: receivedAtUtc, parties: refs, definition: pin.label,
          ...(a.auditAfter ?? {}),
        },
      }, await lockAuditHead(trx), 'audit', 'EXISTS (SELECT 1 FROM c)');
      // The stored replay holds the key id of the PIN, never the PIN itself.
      const ctes = [seed, entry, ...(key ? [completeCte(scope, key, { status: 201, body: { ...stored, pinKid } }, 'idem_done')] : [])];
      return prepared<{ rows: Array<{ fresh: boolean; audited: boolean }> }>(trx,
        `WITH ${ctes.map((c) => c.sql).join(', ')} SELECT EXISTS (SELECT 1 FROM c) AS fresh, EXISTS (SELECT 1 FROM audit) AS audited`,
        ctes.flatMap((c) => c.bindings),
      );
    });
  } catch (err) {
    // ADR 0016: a start whose case cannot be recorded is undone — no invisible running case.
    await abandonStart({ db, log: a.log, handle, caseId: id, key, scope, err });
    throw problems.unavailable('The case could not be recorded; nothing was started. Retry the request.');
  }
  const { fresh, audited } = done.rows[0]!;
  if (fresh && !audited) throw new Error('case.received was not audited: audit chain head missing');
  // Not inserted: a concurrent request with the same key inserted this id first (any unique index
  // may report the conflict first — id or reference — hence ON CONFLICT without a target); make
  // sure it really is this case and not another one holding the reference.
  if (!fresh && !(await db('cases').where({ id }).first('id'))) throw new Error(`case ${id}: its read-model row was not written (reference ${reference} taken)`);
  if (fresh) recordCaseStarted(body.type);
  return { status: 201, body: { ...stored, pin: citizenPin }, replayed: false };
}

export const caseRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/v1/cases', operationId: 'createCase', tags: ['Cases'],
    summary: 'Receive a case (complaint, denunciation, petition or letter) and start its workflow',
    description: 'Parties are stored encrypted before the workflow starts; the workflow carries references only. The response carries the citizen PIN once.',
    auth: { roles: STAFF, scope: { kind: 'body-agency', field: 'agencyId' } },
    idempotencyKey: true,
    request: { body: CreateCaseBody, bodyExample: example },
    responses: { 201: { description: 'Case received; its workflow is running', schema: CreatedCase } },
    handler: async ({ req, res, body, principal, services, requestId }) => {
      const key = req.get('Idempotency-Key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw problems.badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
      }
      // Keys are per caller: two systems may use the same key without seeing each other's cases.
      const scope = `POST /v1/cases ${principal!.type}:${principal!.id}`;
      const hash = key ? requestHash('POST', '/v1/cases', body) : '';
      const out = await startCase({ services, principal: principal!, requestId, log: req.log, body, key, scope, hash });
      if (out.replayed) {
        res.status(out.status).set('Idempotent-Replayed', 'true').json(withVnInstants(out.body));
        return;
      }
      // res.json's bytes, without Express's ETag (a hash of the body; no conditional request applies to a 201).
      res.status(201).location(`/v1/cases/${String(out.body.id)}`).setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(withVnInstants(out.body)));
    },
  }),

  defineRoute({
    method: 'get', path: '/v1/cases', operationId: 'listCases', tags: ['Cases'],
    summary: 'Search cases of the caller\'s agency subtree (filters, sort, cursor pagination)',
    description: 'Answers from the read model (see README "Read model & consistency"). Boolean filters take `true` (only cases with the flag) or `false` (only without).',
    auth: { roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'subtree' } },
    request: { query: CaseListQuery, queryExample: { overdue: 'true', sort: 'nextDueAt' } },
    responses: { 200: { description: 'A page of cases; `next` is the URL of the following page', schema: CaseList } },
    handler: async ({ query, subtree, services }) => {
      let agencies = subtree;
      if (query.agencyId) {
        // Narrowing to an agency outside the caller's subtree finds nothing that exists for them: 404.
        if (!subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
        agencies = await services.agencies.subtree(query.agencyId);
      }
      const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
      const filters = {
        ...(query.type ? { type: query.type } : {}), ...(query.stage ? { stage: query.stage } : {}), ...(query.status ? { status: query.status } : {}),
        ...(query.dueBefore ? { dueBefore: query.dueBefore } : {}), ...(query.dueAfter ? { dueAfter: query.dueAfter } : {}),
        ...(query.receivedFrom ? { receivedFrom: query.receivedFrom } : {}), ...(query.receivedTo ? { receivedTo: query.receivedTo } : {}),
      };
      const bools = Object.fromEntries((['overdue', 'atRisk', 'mass', 'complex', 'remote', 'suspended'] as const)
        .flatMap((f) => (query[f] === undefined ? [] : [[f, flag(query[f])]])));
      const rows = await caseSearchOf(services.deps.db).search({
        agencies, ...filters, ...bools, sort: query.sort, ...(query.after ? { after: query.after } : {}), limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const rest = new URLSearchParams(Object.entries(query).flatMap(([k, v]): Array<[string, string]> => (v === undefined || k === 'after' ? [] : [[k, String(v)]])));
      return {
        body: {
          items: rows.map((r) => ({
            id: r.id, reference: r.reference, caseType: r.caseType, channel: r.channel, agencyId: r.agencyId, subject: r.subject,
            receivedAt: r.receivedAt, stage: r.stage, status: r.status, nextDueAt: r.nextDueAt, flags: r.flags, link: `/v1/cases/${r.id}`,
          })),
          next: rows.length === query.limit && last ? `/v1/cases?${rest.toString()}&after=${encodeCursor({ k: last.sortKey, id: last.id })}` : null,
        },
      };
    },
  }),

  defineRoute({
    method: 'get', path: '/v1/cases/:id', operationId: 'getCase', tags: ['Cases'],
    summary: 'Get a case: stage, status, flags, open tasks, clocks with derivations, linked cases, documents',
    description: 'By default answers from the read model, which is projected after each workflow step (it may lag the workflow by that step). '
      + '`consistent=true` answers from the workflow itself (its `getCaseState` query). A linked case (started by another case\'s workflow, e.g. '
      + 'the complaint a letter was accepted as) is a case like any other: `parentCaseId`/`parent` name the case that started it, whose '
      + '`linkedCases` list it. Besides the case\'s agency subtree, an agency to whose subtree one of its tasks (open or completed) is routed '
      + '(a superior, the inspectorate) may read the case here — this route only.',
    // Also readable (only this route) by the agencies a task of the case is routed to (ADR 0012).
    auth: { roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'case', param: 'id', routedTaskReaders: true } },
    request: {
      params: z.object({ id: CaseId }),
      query: z.strictObject({ consistent: z.enum(['true', 'false']).optional().meta({ description: '`true`: ask the workflow (live, slower)' }) }),
    },
    responses: { 200: { description: 'The case', schema: CaseDetailView }, 409: { description: 'consistent=true on a case whose workflow cannot answer (not an interpreter case)' } },
    handler: async ({ case: c, query, services }) => {
      if (query.consistent === 'true') {
        const [extras, live] = await Promise.all([loadExtras(services.deps.db, c!.id), queryCaseState(services.deps.temporal, c!.workflowId)]);
        return { body: buildCaseView(c!, live, { ...extras, seq: c!.projectionSeq, asOf: null, source: 'workflow' }) };
      }
      const [extras, projected] = await Promise.all([loadExtras(services.deps.db, c!.id), caseSearchOf(services.deps.db).detail(c!.id)]);
      return {
        body: buildCaseView(c!, projected.state, {
          ...extras, stored: projected.flags, seq: projected.seq ?? c!.projectionSeq, asOf: projected.projectedAt ?? c!.updatedAt, source: 'read-model',
        }),
      };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/cases/:id/receipt', operationId: 'getCaseReceipt', tags: ['Cases'],
    summary: 'Reference and citizen PIN of a case, to print (again) on its receipt or acceptance notice',
    description: 'The PIN is what a citizen gives, with the reference, to the public status look-up. `POST /v1/cases` returns it once; '
      + 'a linked case (the complaint a letter was accepted as, ADR 0012) gets its PIN from the projection that creates it, and this '
      + 'route is how the officer who sends its acceptance notice (KN 2011 Art 27; TC 2018 Art 29(3)) learns it. Only the case\'s own '
      + 'agency subtree may ask (not agencies a task is routed to); every answer is written to the audit log and is not cached. A case with no PIN stored yet (a linked case projected by a worker without '
      + 'the PII keyring) gets its PIN here, derived as POST derives it, and stored.',
    auth: { roles: ['intake', 'officer', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: {
      200: { description: 'Reference and PIN', schema: CaseReceipt },
      409: { description: 'The PIN cannot be given back (stored before PIN keys were configured, or under a key no longer configured)' },
    },
    handler: async ({ case: c, principal, services, requestId }) => {
      const pin = await services.pins.issued(c!.reference, c!.id);
      if (!pin) {
        throw new HttpProblem(409, 'pin-not-recoverable', 'The PIN of this case cannot be given back',
          `Case ${c!.reference} has a PIN stored in a form that cannot be derived again (a legacy hash, or a key no longer configured)`);
      }
      // Written before the PIN leaves: who learnt a citizen's PIN is on record.
      await services.audit.append({ actor: actorOf(principal), action: 'case.pin_read', caseId: c!.id, requestId, after: { reference: c!.reference } });
      return {
        headers: { 'cache-control': 'no-store' },
        body: { caseId: c!.id, reference: c!.reference, pin, publicLookup: `/v1/public/cases/${c!.reference}?pin=${pin}` },
      };
    },
  }),
];

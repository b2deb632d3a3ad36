import { once } from 'node:events';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Response } from 'express';
import type { AuditEntry, VerifyResult } from '../../db/audit.js';
import { auditSigner, ChainBroken, CHECKPOINT_TYP } from '../../db/audit-checkpoints.js';
import { type AuditFilters, type AuditSearchRow, type AuditVisibility } from '../../db/audit-search.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { HttpProblem, problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import { AgencyId, CaseId, IsoInstant } from '../schemas.js';

const SUMMARY: Record<string, string> = {
  'case.received': 'Case received and its workflow started',
  'party.identity_read': 'Protected identity read (denouncer)',
};

/** A readable line for an audit entry; unknown actions fall back to the action name. */
export function describeEntry(e: Pick<AuditEntry, 'action' | 'after'>): string {
  const a = (e.after ?? {}) as { name?: unknown; on?: unknown; message?: unknown };
  // Case events and warnings the lifecycle recorded (ADR 0019): name, day and message.
  if (e.action === 'case.event_recorded')
    return `Case event ${String(a.name)}${typeof a.on === 'string' ? ` on ${a.on}` : ''}`;
  if (e.action === 'case.warning_recorded')
    return `Warning at ${String(a.name)}${typeof a.message === 'string' ? `: ${a.message}` : ''}`;
  return SUMMARY[e.action] ?? e.action.replace(/[._]/g, ' ');
}

const TimelineEntry = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    action: z.string(),
    summary: z.string(),
    actor: z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() }),
    legalBasis: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'TimelineEntry' });

const Verify = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    lastSeq: z.number().int().nullable(),
    firstBrokenSeq: z.number().int().nullable(),
    reason: z.string().optional(),
    head: z
      .object({ seq: z.number().int() })
      .nullable()
      .optional()
      .meta({ description: 'The chain head row: the seq the last entry must have' }),
    schemes: z.object({ sha256: z.number().int(), hmac: z.number().int() }).optional().meta({
      description: 'Entries hashed with plain SHA-256 (written before ADR 0014) and with the keyed HMAC-SHA256',
    }),
    checkpoint: z
      .object({ seq: z.number().int(), at: z.string(), source: z.enum(['stored', 'presented']) })
      .optional()
      .meta({ description: 'The last checkpoint checked: the latest stored one, or the one presented' }),
  })
  .meta({ id: 'AuditVerification' });

const AUDITORS = ['auditor', 'admin'] as const;

const Jws = z
  .string()
  .max(4000)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a compact JWS');
const Checkpoint = z
  .object({
    seq: z.number().int(),
    hash: z.string(),
    at: z.string(),
    kid: z.string(),
    jws: z.string().meta({ description: 'The signed checkpoint (compact JWS, EdDSA)' }),
  })
  .meta({ id: 'AuditCheckpoint' });
const CheckpointList = z
  .object({
    publicKeys: z
      .array(z.object({ kid: z.string(), jwk: z.record(z.string(), z.unknown()) }))
      .meta({ description: 'The Ed25519 public keys (JWK) that verify the checkpoints' }),
    items: z.array(Checkpoint),
    next: z.string().nullable(),
  })
  .meta({ id: 'AuditCheckpointList' });

/** Opaque cursor of the audit search: base64url of `{"s": <seq of the last entry seen>}`. */
const AuditCursor = z
  .string()
  .max(100)
  .transform((s, ctx) => {
    try {
      const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { s?: unknown };
      if (v && typeof v === 'object' && Object.keys(v).length === 1 && Number.isSafeInteger(v.s) && (v.s as number) > 0)
        return v.s as number;
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
    return z.NEVER;
  })
  .meta({ description: "Cursor: the `after` value of the previous page's `next` link" });
const encodeAuditCursor = (seq: number) => Buffer.from(JSON.stringify({ s: seq })).toString('base64url');

/** An instant filter, normalised to UTC; PostgreSQL's and JavaScript's ranges are wider than any audit entry's. */
const AuditInstant = IsoInstant.transform((s, ctx) => {
  const local = DateTime.fromISO(s, { setZone: true });
  if (Math.abs(local.offset) > 14 * 60) {
    ctx.addIssue({ code: 'custom', message: 'the offset must be between -14:00 and +14:00' });
    return z.NEVER;
  }
  const d = local.toUTC();
  if (d.year < 1970 || d.year > 9999) {
    ctx.addIssue({ code: 'custom', message: 'must be an instant between the years 1970 and 9999' });
    return z.NEVER;
  }
  return d.toISO()!;
});

/** Whether `s` is not a JSON literal other than a string (`12`, `true`, `null`, `[…]`, `{…}`): those are mistyped filters. */
function notJsonLiteral(s: string): boolean {
  try {
    return typeof JSON.parse(s) === 'string';
  } catch {
    return true;
  }
}

const ACTION = /^(?!(?:true|false|null)$)[a-z][a-z0-9_.-]{0,99}\*?$|^\*$/;
const filterFields = {
  actorId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces')
    .refine(notJsonLiteral, 'an actor id, not a number, true/false/null, an array or an object')
    .optional()
    .meta({
      description:
        "The actor's id (a person's `sub`, an API key id, `kntc-flow` for the engine). A value that reads as a JSON number, boolean, null, array or object is refused as a mistyped filter.",
    }),
  actorType: z.enum(['user', 'api_key', 'system', 'anonymous']).optional(),
  action: z
    .string()
    .regex(ACTION, 'an action such as case.received, or a prefix ending in * such as calendar.*')
    .optional()
    .meta({ description: 'An action (`case.received`) or a prefix ending in `*` (`calendar.*`, `workflow.*`)' }),
  caseId: CaseId.optional(),
  agencyId: AgencyId.optional().meta({
    description: "Only entries of this agency's subtree (by the case's agency, or the actor's when no case)",
  }),
  from: AuditInstant.optional().meta({ description: 'Entries at or after this instant', format: 'date-time' }),
  to: AuditInstant.optional().meta({ description: 'Entries before this instant', format: 'date-time' }),
};
const AuditSearchQuery = z.strictObject({
  ...filterFields,
  after: AuditCursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const AuditExportQuery = z.strictObject({
  ...filterFields,
  format: z.enum(['ndjson', 'csv']).default('ndjson').meta({
    description: '`ndjson`: one JSON entry per line, exactly as stored (hashes recomputable); `csv`: one row per entry',
  }),
});

const AuditItem = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    action: z.string(),
    summary: z.string(),
    actor: z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() }),
    caseId: z.string().nullable(),
    agencyId: z
      .string()
      .nullable()
      .meta({ description: "The case's agency, or the actor's for an entry about no case" }),
    legalBasis: z.string().nullable(),
    requestId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'AuditLogEntry' });

/** Who may see what (db/audit-search.ts); a narrowing agency outside the caller's subtree is not found. */
async function visibilityOf(
  services: Services,
  principal: Principal,
  subtree: string[],
  query: { agencyId?: string | undefined },
): Promise<{ v: AuditVisibility; agencies?: string[] }> {
  const root = await services.agencyRecords.isRoot(principal.agencyId);
  // System level: the system role (ADR 0013) or an auditor of a root agency (ADR 0014).
  const v = { subtree, systemLevel: principal.roles.includes('system_admin') || root };
  if (query.agencyId === undefined) return { v };
  if (!subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
  return { v, agencies: await services.agencies.subtree(query.agencyId) };
}

function filtersOf(
  q: z.output<typeof AuditExportQuery> | z.output<typeof AuditSearchQuery>,
  agencies: string[] | undefined,
): AuditFilters {
  return {
    ...(q.actorId !== undefined ? { actorId: q.actorId } : {}),
    ...(q.actorType !== undefined ? { actorType: q.actorType } : {}),
    ...(q.action !== undefined && q.action !== '*' ? { action: q.action } : {}),
    ...(q.caseId !== undefined ? { caseId: q.caseId } : {}),
    ...(agencies !== undefined ? { agencies } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
  };
}

const CSV_COLUMNS = [
  'seq',
  'at',
  'action',
  'actorType',
  'actorId',
  'actorAgency',
  'caseId',
  'agencyId',
  'legalBasis',
  'requestId',
  'before',
  'after',
  'prevHash',
  'hash',
  'hashKid',
] as const;

/**
 * One CSV field (RFC 4180: quoted when it holds a quote, comma or line break; quotes doubled). A text
 * starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so that a spreadsheet does not run it as a
 * formula (OWASP "CSV injection"); NDJSON is the byte-exact export.
 */
function csvField(v: unknown): string {
  let s =
    v === null || v === undefined
      ? ''
      : typeof v === 'string'
        ? v
        : typeof v === 'number'
          ? String(v)
          : JSON.stringify(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csvLine = (r: AuditSearchRow) =>
  `${[
    r.seq,
    r.at,
    r.action,
    r.actor.type,
    r.actor.id,
    r.actor.agency,
    r.caseId,
    r.agencyId,
    r.legalBasis,
    r.requestId,
    r.before,
    r.after,
    r.prevHash,
    r.hash,
    r.hashKid,
  ]
    .map(csvField)
    .join(',')}\r\n`;
const ndjsonLine = (r: AuditSearchRow) => `${JSON.stringify(r)}\n`;

/** Writes `text`, waiting for the socket when its buffer is full (a large export never sits in memory). */
async function write(res: Response, text: string): Promise<void> {
  if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
}

export const auditRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/cases/:id/timeline',
    operationId: 'getCaseTimeline',
    tags: ['Audit'],
    summary: 'Readable history of a case, from the audit log',
    auth: { roles: ['officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: {
      params: z.object({ id: CaseId }),
      query: z.strictObject({
        after: z.coerce
          .number()
          .int()
          .min(0)
          .max(Number.MAX_SAFE_INTEGER)
          .optional()
          .meta({ description: 'Cursor: the last seq seen' }),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: {
      200: {
        description: 'Entries in order; `next` is the cursor of the following page',
        schema: z.object({ items: z.array(TimelineEntry), next: z.string().nullable() }),
      },
    },
    handler: async ({ case: c, query, services }) => {
      const rows = await services.audit.forCase(c.id, { afterSeq: query.after, limit: query.limit });
      const items = rows.map((e) => ({
        seq: e.seq,
        at: e.at,
        action: e.action,
        summary: describeEntry(e),
        actor: e.actor,
        legalBasis: e.legalBasis,
        before: e.before,
        after: e.after,
      }));
      const last = rows[rows.length - 1];
      return {
        body: {
          items,
          next:
            rows.length === query.limit && last
              ? `/v1/cases/${c.id}/timeline?after=${last.seq}&limit=${query.limit}`
              : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audit/verify',
    operationId: 'verifyAuditChain',
    tags: ['Audit'],
    summary: 'Recompute the audit hash chain and report the first broken entry',
    description:
      "Recomputes every entry's hash (keyed HMAC-SHA256; plain SHA-256 for entries written before ADR 0014) and link, checks that the chain ends " +
      'at its head (`audit_chain_head`: a removed tail is reported) and that it still holds the latest stored signed checkpoint. ' +
      '`checkpoint`: a checkpoint kept outside the database (from `GET /v1/audit/checkpoints`) to check as well — the only evidence that survives ' +
      'a rollback of the whole database.',
    auth: { roles: ['auditor', 'admin'], scope: { kind: 'none' } },
    request: {
      query: z.strictObject({
        checkpoint: Jws.optional().meta({ description: 'A checkpoint (compact JWS) kept outside the database' }),
      }),
    },
    responses: {
      200: { description: 'Verification result (ok=false names firstBrokenSeq)', schema: Verify },
      400: { description: 'The presented checkpoint is not one signed by this system' },
    },
    handler: async ({ query, services }) => {
      const checkpoints = services.checkpoints;
      if (query.checkpoint !== undefined) {
        try {
          await auditSigner().open(query.checkpoint);
        } catch (e) {
          throw problems.validation([
            { path: 'query.checkpoint', message: `not a checkpoint signed by this system (${(e as Error).message})` },
          ]);
        }
      }
      let v: VerifyResult & { checkpoint?: unknown } = await services.audit.verify();
      const latest = await checkpoints.latest();
      if (latest) v = await checkpoints.check(v, latest.jws, 'stored');
      if (query.checkpoint !== undefined) v = await checkpoints.check(v, query.checkpoint, 'presented');
      return { body: v };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audit/checkpoints',
    operationId: 'listAuditCheckpoints',
    tags: ['Audit'],
    summary:
      'Signed checkpoints of the audit chain, newest first, with the public keys that verify them — to keep outside the database',
    description:
      'Each checkpoint is a compact JWS (`alg: EdDSA`, Ed25519, `typ: ' +
      CHECKPOINT_TYP +
      '`) over `{"v":1,"seq":…,"hash":…,"at":…}`: the seq and hash ' +
      "of the chain's end when it verified. Verify one with any JOSE library and the published key (`publicKeys`, JWK); present it to " +
      '`GET /v1/audit/verify?checkpoint=` later to prove the chain still holds everything up to it. Checkpoints are made periodically by the server ' +
      'and on request (`POST`).',
    auth: { roles: AUDITORS, scope: { kind: 'none' } },
    request: {
      query: z.strictObject({
        after: AuditCursor.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: { 200: { description: 'Checkpoints and keys', schema: CheckpointList } },
    handler: async ({ query, services }) => {
      const items = await services.checkpoints.list({
        ...(query.after !== undefined ? { beforeSeq: query.after } : {}),
        limit: query.limit,
      });
      const last = items[items.length - 1];
      return {
        body: {
          publicKeys: await auditSigner().publicKeys(),
          items,
          next:
            items.length === query.limit && last && last.seq > 0
              ? `/v1/audit/checkpoints?limit=${query.limit}&after=${encodeAuditCursor(last.seq)}`
              : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/audit/checkpoints',
    operationId: 'createAuditCheckpoint',
    tags: ['Audit'],
    summary: 'Verify the audit chain and sign a checkpoint of its end now',
    description:
      'Nothing is signed over a chain that does not verify (409 with the verification). 200 with the existing checkpoint when the chain has not moved since.',
    auth: { roles: AUDITORS, scope: { kind: 'none' } },
    responses: {
      201: { description: 'Signed and stored', schema: Checkpoint },
      200: { description: "The chain's end was already checkpointed", schema: Checkpoint },
      409: { description: 'The chain does not verify' },
    },
    handler: async ({ services }) => {
      try {
        const { checkpoint, created } = await services.checkpoints.create();
        return { status: created ? 201 : 200, body: checkpoint };
      } catch (e) {
        if (e instanceof ChainBroken)
          throw new HttpProblem(409, 'audit-chain-broken', 'The audit chain does not verify', e.message, {
            verification: e.result,
          });
        throw e;
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audit',
    operationId: 'searchAuditLog',
    tags: ['Audit'],
    summary:
      "Search the audit log of the caller's agency subtree (actor, action, case, agency, time range; cursor pagination, newest first)",
    description:
      "Entries about a case are visible when the case is in the caller's agency subtree; entries about no case when their actor's agency is; " +
      "changes of the national calendar (`calendar.*`) to every auditor, since they move every agency's deadlines; the engine's own entries about no case " +
      '(no agency) to auditors of a root agency. Entries hold party references only, never personal data. `next` is the URL of the following page.',
    auth: { roles: AUDITORS, scope: { kind: 'subtree' } },
    request: { query: AuditSearchQuery, queryExample: { action: 'case.*', limit: '50' } },
    responses: {
      200: {
        description: 'A page of entries, newest first',
        schema: z.object({ items: z.array(AuditItem), next: z.string().nullable() }).meta({ id: 'AuditLogPage' }),
      },
    },
    handler: async ({ query, subtree, principal, services }) => {
      const { v, agencies } = await visibilityOf(services, principal, subtree, query);
      const rows = await services.auditSearch.search(v, filtersOf(query, agencies), {
        ...(query.after !== undefined ? { beforeSeq: query.after } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const rest = new URLSearchParams(
        Object.entries(query).flatMap(([k, val]): Array<[string, string]> =>
          val === undefined || k === 'after' ? [] : [[k, String(val)]],
        ),
      );
      return {
        body: {
          items: rows.map((r) => ({
            seq: r.seq,
            at: r.at,
            action: r.action,
            summary: describeEntry(r),
            actor: r.actor,
            caseId: r.caseId,
            agencyId: r.agencyId,
            legalBasis: r.legalBasis,
            requestId: r.requestId,
            before: r.before,
            after: r.after,
          })),
          next:
            rows.length === query.limit && last
              ? `/v1/audit?${rest.toString()}&after=${encodeAuditCursor(last.seq)}`
              : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audit/export',
    operationId: 'exportAuditLog',
    tags: ['Audit'],
    summary: "Export the audit log of the caller's agency subtree as NDJSON or CSV (streamed, chain order)",
    description:
      'The same filters and visibility as `GET /v1/audit`, every matching entry in chain order (oldest first), streamed as an attachment. ' +
      'NDJSON lines are the entries as stored, with `prevHash`, `hash` and `hashKid` (the key id of the keyed hash; null for entries written before ADR 0014). ' +
      'Each export is itself written to the audit log (`audit.exported`, with its filters) before the first byte is sent.',
    auth: { roles: AUDITORS, scope: { kind: 'subtree' } },
    request: { query: AuditExportQuery, queryExample: { format: 'ndjson', action: 'case.*' } },
    responses: {
      200: {
        description:
          'NDJSON (`application/x-ndjson`) or CSV (`text/csv`, header row first), Content-Disposition: attachment',
        contentType: 'application/x-ndjson',
      },
    },
    handler: async ({ query, subtree, principal, services, requestId, res }) => {
      const { v, agencies } = await visibilityOf(services, principal, subtree, query);
      const filters = filtersOf(query, agencies);
      await services.audit.append({
        actor: actorOf(principal),
        action: 'audit.exported',
        requestId,
        after: {
          format: query.format,
          filters: { ...filters, ...(query.agencyId ? { agencyId: query.agencyId } : {}), agencies: undefined },
        },
      });
      const csv = query.format === 'csv';
      res
        .status(200)
        .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="audit-log.${csv ? 'csv' : 'ndjson'}"`)
        .set('Cache-Control', 'no-store');
      if (csv) await write(res, `${CSV_COLUMNS.join(',')}\r\n`);
      try {
        for await (const batch of services.auditSearch.scan(v, filters)) {
          if (res.destroyed) break;
          await write(res, batch.map(csv ? csvLine : ndjsonLine).join(''));
        }
      } catch (e) {
        // Headers are sent: the client sees a cut-off stream rather than a problem document.
        services.deps.logger.error({ err: (e as Error).message, requestId }, 'audit export failed part-way');
        res.destroy();
        return;
      }
      res.end();
    },
  }),
];

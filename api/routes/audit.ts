import { z } from 'zod';
import type { AuditEntry } from '../../db/audit.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { CaseId } from '../schemas.js';

const SUMMARY: Record<string, string> = {
  'case.received': 'Case received and its workflow started',
  'party.identity_read': 'Protected identity read (denouncer)',
};

/** A readable line for an audit entry; unknown actions fall back to the action name. */
export function describeEntry(e: AuditEntry): string {
  const a = (e.after ?? {}) as { name?: unknown; on?: unknown; message?: unknown };
  // Case events and warnings the lifecycle recorded (ADR 0019): name, day and message.
  if (e.action === 'case.event_recorded') return `Case event ${String(a.name)}${typeof a.on === 'string' ? ` on ${a.on}` : ''}`;
  if (e.action === 'case.warning_recorded') return `Warning at ${String(a.name)}${typeof a.message === 'string' ? `: ${a.message}` : ''}`;
  return SUMMARY[e.action] ?? e.action.replace(/[._]/g, ' ');
}

const TimelineEntry = z.object({
  seq: z.number().int(), at: z.string(), action: z.string(), summary: z.string(),
  actor: z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() }),
  legalBasis: z.string().nullable(), before: z.unknown(), after: z.unknown(),
}).meta({ id: 'TimelineEntry' });

const Verify = z.object({
  ok: z.boolean(), checked: z.number().int(), lastSeq: z.number().int().nullable(),
  firstBrokenSeq: z.number().int().nullable(), reason: z.string().optional(),
}).meta({ id: 'AuditVerification' });

export const auditRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/v1/cases/:id/timeline', operationId: 'getCaseTimeline', tags: ['Audit'],
    summary: 'Readable history of a case, from the audit log',
    auth: { roles: ['officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: {
      params: z.object({ id: CaseId }),
      query: z.strictObject({
        after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Cursor: the last seq seen' }),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: { 200: { description: 'Entries in order; `next` is the cursor of the following page', schema: z.object({ items: z.array(TimelineEntry), next: z.string().nullable() }) } },
    handler: async ({ case: c, query, services }) => {
      const rows = await services.audit.forCase(c!.id, { afterSeq: query.after, limit: query.limit });
      const items = rows.map((e) => ({ seq: e.seq, at: e.at, action: e.action, summary: describeEntry(e), actor: e.actor, legalBasis: e.legalBasis, before: e.before, after: e.after }));
      const last = rows[rows.length - 1];
      return { body: { items, next: rows.length === query.limit && last ? `/v1/cases/${c!.id}/timeline?after=${last.seq}&limit=${query.limit}` : null } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/audit/verify', operationId: 'verifyAuditChain', tags: ['Audit'],
    summary: 'Recompute the audit hash chain and report the first broken entry',
    auth: { roles: ['auditor', 'admin'], scope: { kind: 'none' } },
    responses: { 200: { description: 'Verification result (ok=false names firstBrokenSeq)', schema: Verify } },
    handler: async ({ services }) => ({ body: await services.audit.verify() }),
  }),
];

import { z } from 'zod';
import { notFound } from '../auth/errors.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { PublicStatusRow } from '../../db/public-status.js';
import type { Services } from '../routing/services.js';
import { StageLabel } from '../schemas.js';
import { stageLabel } from '../../processes/builtin/labels-vi.js';

const statusFields = {
  reference: z.string(),
  caseType: z.string(),
  stage: z.string().meta({ description: 'Name of the current step' }),
  stageLabel: StageLabel,
  status: z.enum(['open', 'closed']),
  receivedAt: z.string(),
  nextDueAt: z.string().optional().meta({ description: 'Next statutory due date of the case, when one is running' }),
};

const PublicLinkedStatus = z.object({ ...statusFields }).meta({ id: 'PublicLinkedCaseStatus' });

const PublicStatus = z
  .object({
    ...statusFields,
    linkedCases: z.array(PublicLinkedStatus).optional().meta({
      description:
        'Cases started from this one (a letter accepted as a complaint, a second complaint; ADR 0012), when any: their public status only',
    }),
  })
  .meta({ id: 'PublicCaseStatus' });

/**
 * The case and the cases linked from it (children, and theirs: a letter → its complaint → the second
 * complaint), with the fields a citizen may see: reference, type, step, open/closed, receipt, next
 * statutory due date. Never subject, parties, details, tasks or notes.
 */
async function publicStatus(services: Services, caseId: string): Promise<z.infer<typeof PublicStatus> | undefined> {
  const rows = await services.publicStatus.rows(caseId);
  const [self, ...linked] = rows;
  if (!self) return undefined;
  // The same reading of step and status as GET /v1/cases/:id (api/case-view.ts buildCaseView).
  const view = (r: PublicStatusRow) => {
    const closed = r.s_status === 'completed' || r.s_status === 'cancelled' || r.status === 'closed';
    const stage = r.s_stage && r.s_status !== 'starting' ? r.s_stage : r.stage;
    return {
      reference: r.reference,
      caseType: r.case_type,
      stage,
      stageLabel: stageLabel(stage),
      status: closed ? ('closed' as const) : ('open' as const),
      receivedAt: r.received_at.toISOString(),
      ...(r.next_due_at && !closed ? { nextDueAt: r.next_due_at.toISOString() } : {}),
    };
  };
  return { ...view(self), ...(linked.length ? { linkedCases: linked.map(view) } : {}) };
}

export const publicRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/public/cases/:reference',
    operationId: 'publicCaseStatus',
    tags: ['Public'],
    summary: 'Status of a case by its reference and the citizen PIN from the receipt notice',
    description:
      'No personal data and no subject are returned. An unknown reference and a wrong PIN give the same 404, at the same cost. ' +
      "A letter's look-up also lists the cases started from it (the complaint it was accepted as, ADR 0012); such a linked case " +
      'has its own reference and PIN, printed on its acceptance notice.',
    auth: 'public',
    request: {
      params: z.object({
        reference: z
          .string()
          .regex(/^[A-Z0-9]{2,5}-\d{4}-[A-Z0-9]{10,32}$/)
          .meta({ example: 'TC-2026-0B6F3B4E12' }),
      }),
      query: z.strictObject({
        pin: z
          .string()
          .regex(/^\d{8}$/, '8 digits')
          .meta({ example: '04817263' }),
      }),
    },
    responses: {
      200: { description: 'Status', schema: PublicStatus },
      429: { description: 'Too many look-ups from this client; see Retry-After' },
    },
    handler: async ({ req, res, params, query, services }) => {
      // Every look-up counts, found or not, so the limit reveals nothing about which references exist.
      try {
        services.publicLookups.hit(req.ip ?? 'unknown');
      } catch (e) {
        res.set(
          'Retry-After',
          String((e as { extra?: { retryAfterSeconds?: number } }).extra?.retryAfterSeconds ?? 60),
        );
        throw e;
      }
      const caseId = await services.pins.check(params.reference, query.pin);
      const body = caseId ? await publicStatus(services, caseId) : undefined;
      if (!body) throw notFound(`Case ${params.reference}`);
      return { body };
    },
  }),
];

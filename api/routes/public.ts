import { z } from 'zod';
import { notFound } from '../auth/errors.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';

const PublicStatus = z.object({
  reference: z.string(), caseType: z.string(), stage: z.string(), status: z.string(), receivedAt: z.string(),
}).meta({ id: 'PublicCaseStatus' });

export const publicRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/v1/public/cases/:reference', operationId: 'publicCaseStatus', tags: ['Public'],
    summary: 'Status of a case by its reference and the citizen PIN from the receipt notice',
    description: 'No personal data and no subject are returned. An unknown reference and a wrong PIN give the same 404, at the same cost.',
    auth: 'public',
    request: {
      params: z.object({ reference: z.string().regex(/^[A-Z0-9]{2,5}-\d{4}-[A-Z0-9]{10}$/).meta({ example: 'TC-2026-0B6F3B4E12' }) }),
      query: z.strictObject({ pin: z.string().regex(/^\d{8}$/, '8 digits').meta({ example: '04817263' }) }),
    },
    responses: { 200: { description: 'Status', schema: PublicStatus }, 429: { description: 'Too many look-ups from this client; see Retry-After' } },
    handler: async ({ req, res, params, query, services }) => {
      // Every look-up counts, found or not, so the limit reveals nothing about which references exist.
      try {
        services.publicLookups.hit(req.ip ?? 'unknown');
      } catch (e) {
        res.set('Retry-After', String((e as { extra?: { retryAfterSeconds?: number } }).extra?.retryAfterSeconds ?? 60));
        throw e;
      }
      const caseId = await services.pins.check(params.reference, query.pin);
      const c = caseId ? await services.cases.get(caseId) : undefined;
      if (!c) throw notFound(`Case ${params.reference}`);
      return { body: { reference: c.reference, caseType: c.caseType, stage: c.stage, status: c.status, receivedAt: c.receivedAt } };
    },
  }),
];

import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { createCaseStore } from '../../db/cases.js';
import { caseWorkflowId, SA, type CaseInput, type CaseType } from '../../workflows/contract.js';
import type { AppDeps } from '../deps.js';
import { createIdempotencyStore, requestHash } from '../idempotency.js';
import { HttpProblem, problems, zodToProblem } from '../problem.js';

export const VN_ZONE = 'Asia/Ho_Chi_Minh';

const isoInstant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && DateTime.fromISO(s, { setZone: true }).isValid, {
  message: 'must be an ISO-8601 date-time with an offset, e.g. 2026-07-01T09:30:00+07:00',
});

/** Request body of `POST /v1/cases` (walking skeleton; grows with the lifecycles). */
export const CreateCaseBody = z.strictObject({
  type: z.enum(['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition']),
  channel: z.enum(['reception_desk', 'post', 'portal', 'forwarded', 'national_database']),
  receivedAt: isoInstant,
  agencyId: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore'),
  subject: z.string().trim().min(1).max(500),
  remoteArea: z.boolean().default(false),
});
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

const PREFIX: Record<CaseType, string> = {
  letter: 'DON', complaint_first: 'KN1', complaint_second: 'KN2', denunciation: 'TC', petition: 'KNPA',
};

/** Human reference printed on receipts, derived from the id so that a retried request gets the same one. */
export function caseReference(id: string, type: CaseType, receivedAt: string): string {
  const year = DateTime.fromISO(receivedAt, { setZone: true }).setZone(VN_ZONE).year;
  return `${PREFIX[type]}-${year}-${id.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function caseRoutes(deps: AppDeps): Router {
  const r = Router();
  const cases = createCaseStore(deps.db);
  const idem = createIdempotencyStore(deps.db);

  r.post('/v1/cases', async (req, res) => {
    const key = req.get('Idempotency-Key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw problems.badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
    }
    const parsed = CreateCaseBody.safeParse(req.body);
    if (!parsed.success) throw zodToProblem(parsed.error);
    const body = parsed.data;
    const received = DateTime.fromISO(body.receivedAt, { setZone: true });
    if (received > DateTime.now().plus({ minutes: 5 })) {
      throw problems.validation([{ path: 'receivedAt', message: 'must not be in the future' }]);
    }

    let id: string = randomUUID();
    if (key) {
      const r0 = await idem.reserve('POST /v1/cases', key, requestHash('POST', '/v1/cases', body), id);
      if (!r0.fresh) {
        if (r0.response) {
          res.status(r0.response.status).set('Idempotent-Replayed', 'true').json(r0.response.body);
          return;
        }
        id = r0.resourceId; // an identical earlier request did not finish: finish it with the same id
      }
    }

    const input: CaseInput = {
      caseId: id,
      reference: caseReference(id, body.type, body.receivedAt),
      caseType: body.type,
      channel: body.channel,
      receivedAt: received.toUTC().toISO()!,
      agencyId: body.agencyId,
      subject: body.subject,
      remoteArea: body.remoteArea,
    };
    const workflowId = caseWorkflowId(id);
    const handle = await deps.temporal.workflow.start('caseWorkflow', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      // A retried request (same business key) attaches to the running case instead of failing or duplicating.
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [
        { key: SA.caseType, value: body.type },
        { key: SA.agencyId, value: body.agencyId },
        { key: SA.stage, value: 'received' },
        { key: SA.receivedAt, value: new Date(input.receivedAt) },
      ],
    });
    // Seed the read model so the case is visible at once; the workflow's projections supersede it.
    await cases.project({
      id, reference: input.reference, workflowId, caseType: body.type, channel: body.channel, agencyId: body.agencyId,
      subject: body.subject, remoteArea: body.remoteArea, receivedAt: input.receivedAt, stage: 'received', status: 'open', projectionSeq: 0,
    });
    const responseBody = { id, reference: input.reference, workflowId, runId: handle.firstExecutionRunId, status: 'open', stage: 'received', links: { self: `/v1/cases/${id}` } };
    if (key) await idem.complete('POST /v1/cases', key, { status: 201, body: responseBody });
    res.status(201).location(`/v1/cases/${id}`).json(responseBody);
  });

  r.get('/v1/cases/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new HttpProblem(404, 'not-found', 'Not found', `Case ${id} was not found`);
    const c = await cases.get(id);
    if (!c) throw new HttpProblem(404, 'not-found', 'Not found', `Case ${id} was not found`);
    res.json(c);
  });

  return r;
}

import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { derivePin } from '../../db/case-pins.js';
import { PARTY_ROLES } from '../../db/parties.js';
import { recordCaseStarted } from '../../platform/metrics.js';
import { caseWorkflowId, SA, type CaseInput, type CaseType } from '../../workflows/contract.js';
import { actorOf } from '../auth/principal.js';
import { requestHash } from '../idempotency.js';
import { problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { AgencyId, CaseId, IDEMPOTENCY_KEY, IsoInstant } from '../schemas.js';

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

/** Request body of `POST /v1/cases` (grows with the lifecycles). */
export const CreateCaseBody = z.strictObject({
  type: z.enum(['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition']),
  channel: z.enum(['reception_desk', 'post', 'portal', 'forwarded', 'national_database']),
  receivedAt: IsoInstant,
  agencyId: AgencyId,
  subject: z.string().trim().min(1).max(500),
  remoteArea: z.boolean().default(false),
  parties: z.array(PartyInput).max(50).default([]),
}).meta({ id: 'CreateCase' });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

const CreatedCase = z.object({
  id: CaseId, reference: z.string(), workflowId: z.string(), runId: z.string(), status: z.string(), stage: z.string(),
  pin: z.string().meta({ description: 'Citizen PIN for the public status look-up; print it on the receipt notice. Not retrievable later except by replaying the same Idempotency-Key.' }),
  parties: z.array(z.object({ id: z.string(), role: z.enum(PARTY_ROLES) })),
  links: z.object({ self: z.string() }),
}).meta({ id: 'CreatedCase' });

const CaseView = z.object({
  id: CaseId, reference: z.string(), workflowId: z.string(), caseType: z.string(), channel: z.string(), agencyId: z.string(),
  subject: z.string(), remoteArea: z.boolean(), receivedAt: z.string(), stage: z.string(), status: z.string(),
  projectionSeq: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'Case' });

const PREFIX: Record<CaseType, string> = {
  letter: 'DON', complaint_first: 'KN1', complaint_second: 'KN2', denunciation: 'TC', petition: 'KNPA',
};

/** Human reference printed on receipts, derived from the id so that a retried request gets the same one. */
export function caseReference(id: string, type: CaseType, receivedAt: string): string {
  const year = DateTime.fromISO(receivedAt, { setZone: true }).setZone(VN_ZONE).year;
  return `${PREFIX[type]}-${year}-${id.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

const example = {
  type: 'denunciation', channel: 'portal', receivedAt: '2026-07-01T09:30:00+07:00', agencyId: 'so-tnmt',
  subject: 'Tố cáo hành vi cấp giấy chứng nhận sai quy định',
  parties: [{ role: 'denouncer', name: 'Nguyễn Văn A', idNumber: '001203004567', phone: '0912345678' }],
};

const STAFF = ['intake', 'officer', 'supervisor', 'admin'] as const;

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
      const { deps, idempotency: idem, parties, pins, cases, audit } = services;
      const key = req.get('Idempotency-Key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw problems.badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
      }
      const received = DateTime.fromISO(body.receivedAt, { setZone: true });
      if (received > DateTime.now().plus({ minutes: 5 })) {
        throw problems.validation([{ path: 'receivedAt', message: 'must not be in the future' }]);
      }
      // Keys are per caller: two systems may use the same key without seeing each other's cases.
      const scope = `POST /v1/cases ${principal!.type}:${principal!.id}`;
      const withPin = (b: Record<string, unknown>) => ({ ...b, pin: derivePin(deps.pii.key(String(b.pinKid)), String(b.id)), pinKid: undefined });

      let id: string = randomUUID();
      if (key) {
        const r0 = await idem.reserve(scope, key, requestHash('POST', '/v1/cases', body), id);
        if (!r0.fresh) {
          if (r0.response) {
            res.status(r0.response.status).set('Idempotent-Replayed', 'true').json(withPin(r0.response.body as Record<string, unknown>));
            return;
          }
          id = r0.resourceId; // an identical earlier request did not finish: finish it with the same id
        }
      }

      const reference = caseReference(id, body.type, body.receivedAt);
      const pinKid = deps.pii.currentKid;
      const pin = derivePin(deps.pii.key(pinKid), id);
      // Personal data first, encrypted; the workflow only ever gets the case id.
      const refs = await deps.db.transaction(async (trx) => {
        const r = await parties.addAll(id, body.parties.map(({ role, ...identity }) => ({ role, identity })), trx);
        await pins.put(reference, id, pin, trx);
        return r;
      });

      const input: CaseInput = {
        caseId: id, reference, caseType: body.type, channel: body.channel, receivedAt: received.toUTC().toISO()!,
        agencyId: body.agencyId, subject: body.subject, remoteArea: body.remoteArea,
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
      // The seed and its audit entry commit together: a retry finishing an interrupted request adds neither twice.
      const fresh = await deps.db.transaction(async (trx) => {
        const applied = await cases.project({
          id, reference, workflowId, caseType: body.type, channel: body.channel, agencyId: body.agencyId,
          subject: body.subject, remoteArea: body.remoteArea, receivedAt: input.receivedAt, stage: 'received', status: 'open', projectionSeq: 0,
        }, trx);
        if (applied) {
          await audit.append({
            actor: actorOf(principal), action: 'case.received', caseId: id, requestId,
            after: { reference, caseType: body.type, channel: body.channel, agencyId: body.agencyId, receivedAt: input.receivedAt, parties: refs },
          }, trx);
        }
        return applied;
      });
      if (fresh) recordCaseStarted(body.type);
      const stored = { id, reference, workflowId, runId: handle.firstExecutionRunId, status: 'open', stage: 'received', parties: refs, links: { self: `/v1/cases/${id}` } };
      // The stored replay holds the key id of the PIN, never the PIN itself.
      if (key) await idem.complete(scope, key, { status: 201, body: { ...stored, pinKid } });
      res.status(201).location(`/v1/cases/${id}`).json({ ...stored, pin });
    },
  }),

  defineRoute({
    method: 'get', path: '/v1/cases/:id', operationId: 'getCase', tags: ['Cases'], summary: 'Get a case (read model)',
    auth: { roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: { 200: { description: 'The case', schema: CaseView } },
    handler: ({ case: c }) => ({ body: c }),
  }),
];

/**
 * Legal events on a case (withdraw, suspend, resume, extend, supplement, mark complex): each is
 * the case workflow's `sendMessage` Update. Its validator checks the event against the case's
 * state (legalEventCheck: a clock that can take it, or a step waiting for it); a refusal answers
 * 409 with the reason and nothing enters the history. Accepted events are written to the audit log.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { sendMessage, type SendMessageRequest, type WorkflowAuditEntry } from '../../workflows/contract.js';
import type { JsonValue } from '../../workflows/engine/index.js';
import { actorOf } from '../auth/principal.js';
import { HttpProblem } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { idempotent } from '../routing/idempotent.js';
import { COMPLEXITY_CRITERIA } from '../../processes/builtin/complaint.js';
import { CaseId } from '../schemas.js';
import { updateIdFor } from '../update-id.js';
import { queryCaseState, sendCaseUpdate, updateProblem } from '../workflow-errors.js';
import { vnDate, VN_ZONE } from '../../workflows/clock/vn-time.js';

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: VN_ZONE }).isValid, 'not a real calendar date')
  .meta({ description: 'Date of the event (Vietnam); default today', example: '2026-07-10' });
const Ref = z.string().trim().min(1).max(200).meta({ description: 'Number/reference of the decision or document' });
const CODE = /^[\p{L}\p{N}_./:#-]+$/u;
// The pattern documented as its ECMA-262 source: zod-to-openapi would write `…$/u` (ADR 0016; JSON Schema
// patterns are Unicode-aware, so the source means the same there).
const Code = z.string().trim().min(1).max(100).regex(CODE, 'a code without spaces').meta({ pattern: CODE.source });
const common = { date: IsoDate.optional(), decision: Ref.optional() };

export interface EventSpec {
  path: string;
  operationId: string;
  summary: string;
  legalBasis: string;
  body: z.ZodObject<z.ZodRawShape>;
  example: Record<string, unknown>;
  /** The message and its payload from the validated body. */
  message(b: Record<string, unknown>, date: string): Omit<SendMessageRequest, 'caseId'>;
  /** A check against the case's live variables the workflow does not make itself; a refusal answers 409. */
  check?(date: string, variables: Record<string, JsonValue>): { reason: string; detail: string } | undefined;
}

const vars = (o: Record<string, unknown>): Record<string, JsonValue> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, JsonValue>;

export const EVENTS: EventSpec[] = [
  {
    path: 'withdraw',
    operationId: 'withdrawCase',
    summary: 'Withdraw the complaint/denunciation (fully, or `partial` contents)',
    legalBasis: 'Luật Khiếu nại 2011 Art 10; Luật Tố cáo 2018 Art 33',
    body: z.strictObject({
      ...common,
      partial: z.boolean().default(false),
      withdrawnContents: Code.optional().meta({
        description: 'Reference of the withdrawn contents (partial withdrawal)',
      }),
    }),
    example: { date: '2026-07-08', partial: false },
    message: (b, date) => ({
      name: b.partial ? 'withdrawPartial' : 'withdraw',
      date,
      ...(b.decision ? { decision: String(b.decision) } : {}),
      variables: vars({ eventOn: date, withdrawnContents: b.withdrawnContents }),
    }),
  },
  {
    path: 'suspend',
    operationId: 'suspendCase',
    summary: 'Suspend the case: its statutory clocks stop',
    legalBasis: 'Luật Khiếu nại (sửa đổi 2025); Luật Tố cáo 2018 Art 36',
    body: z.strictObject({
      ...common,
      ground: Code.optional().meta({ description: 'Ground of suspension, e.g. awaiting_other_body' }),
    }),
    example: { date: '2026-07-10', decision: '15/QĐ-TTr', ground: 'awaiting_other_body' },
    message: (b, date) => ({
      name: 'suspend',
      date,
      decision: String(b.decision ?? `suspend-${date}`),
      variables: vars({ eventOn: date, suspensionGround: b.ground }),
    }),
  },
  {
    path: 'resume',
    operationId: 'resumeCase',
    summary: 'Resume a suspended case: its clocks restart',
    legalBasis: 'Luật Khiếu nại (sửa đổi 2025); Luật Tố cáo 2018 Art 36',
    body: z.strictObject({ ...common }),
    example: { date: '2026-07-22', decision: '16/QĐ-TTr' },
    message: (b, date) => ({
      name: 'resume',
      date,
      decision: String(b.decision ?? `resume-${date}`),
      variables: vars({ eventOn: date }),
    }),
  },
  {
    path: 'extend',
    operationId: 'extendCase',
    summary: "Extend a statutory deadline (bounded by the clock's extension policy)",
    legalBasis: 'Luật Khiếu nại 2011 Art 28, 37; Luật Tố cáo 2018 Art 30',
    body: z.strictObject({
      ...common,
      amount: z.number().int().min(1).max(365),
      ruleId: Code.optional().meta({ description: 'Clock rule to extend (default: every clock that allows it)' }),
    }),
    example: { date: '2026-09-01', decision: '20/QĐ-UBND', amount: 15 },
    message: (b, date) => ({
      name: 'extend',
      date,
      decision: String(b.decision ?? `extend-${date}`),
      amount: Number(b.amount),
      ...(b.ruleId ? { ruleId: String(b.ruleId) } : {}),
      variables: vars({ eventOn: date, extensionDays: b.amount }),
    }),
  },
  {
    path: 'supplement',
    operationId: 'supplementCase',
    summary: 'Record documents supplemented by the citizen',
    legalBasis: 'Luật Khiếu nại 2011 Art 12; Luật Tố cáo 2018 Art 9',
    body: z.strictObject({
      ...common,
      documents: z.array(Code).max(100).default([]).meta({ description: 'References of the supplemented documents' }),
    }),
    example: { date: '2026-07-12', documents: ['BS-01'] },
    message: (b, date) => ({
      name: 'supplement',
      date,
      variables: vars({ eventOn: date, supplementRefs: b.documents }),
    }),
  },
  {
    path: 'stay-execution',
    operationId: 'stayCaseExecution',
    summary:
      'Stay the execution of the contested decision (complaints): the stay decision is issued and sent, and its lift is due with the resolution limit',
    legalBasis: 'Luật Khiếu nại 2011 Art 35; TT 07/2013 Art 17',
    body: z.strictObject({ ...common }),
    example: { date: '2026-07-10', decision: '09/QĐ-TĐC' },
    message: (b, date) => ({
      name: 'stayExecution',
      date,
      ...(b.decision ? { decision: String(b.decision) } : {}),
      variables: vars({ eventOn: date }),
    }),
  },
  {
    path: 'second-complaint',
    operationId: 'recordSecondComplaint',
    summary:
      'A second complaint against the first decision was lodged with the superior (complaints, first instance): the decision does not take legal effect here',
    legalBasis: 'Luật Khiếu nại 2011 Art 33(1), Art 44(1)',
    body: z.strictObject({
      ...common,
      secondCaseRef: Ref.optional().meta({ description: 'Reference of the second-instance case at the superior' }),
    }),
    example: { date: '2026-12-10', secondCaseRef: 'KN2-2026-0B6F3B4E12' },
    message: (b, date) => ({
      name: 'secondComplaintLodged',
      date,
      ...(b.decision ? { decision: String(b.decision) } : {}),
      variables: vars({
        eventOn: date,
        secondComplaintLodgedOn: date,
        challengeKind: 'second_complaint',
        linkedCaseRef: b.secondCaseRef,
      }),
    }),
    // KN Art 33(1): the right to a second complaint against the decision starts when it is received.
    check: (date, v) =>
      typeof v.decisionReceivedOn === 'string' && date < v.decisionReceivedOn
        ? {
            reason: 'SecondComplaintPremature',
            detail: `Lodged ${date}, before the first decision was received (${v.decisionReceivedOn}): not a second complaint yet (Luật Khiếu nại 2011 Art 33(1))`,
          }
        : undefined,
  },
  {
    path: 'mark-complex',
    operationId: 'markCaseComplex',
    summary:
      "Mark the case complex (or especially complex): the written determination, from receipt until the decision / conclusion; a complex case may then be extended within its clock's policy",
    legalBasis:
      'Luật Khiếu nại 2011 Art 28, 37; NĐ 124/2020 Art 3a (NĐ 155/2026); Luật Tố cáo 2018 Art 30; NĐ 31/2019 Art 3',
    body: z
      .strictObject({
        ...common,
        complexity: z.enum(['complex', 'especially_complex']).default('complex'),
        criteria: z.array(z.enum(COMPLEXITY_CRITERIA)).min(1).max(COMPLEXITY_CRITERIA.length).optional().meta({
          description:
            'Criteria (a)-(g) met (NĐ 124/2020 Art 3a; NĐ 31/2019 Art 3(2)); especially complex needs 2 or more (NĐ 31/2019 Art 3(3))',
        }),
      })
      .refine(
        (b) => b.complexity !== 'especially_complex' || b.criteria === undefined || new Set(b.criteria).size >= 2,
        {
          path: ['criteria'],
          message: 'an especially complex case meets 2 or more criteria (NĐ 31/2019 Art 3(3))',
        },
      ),
    example: { date: '2026-07-15', decision: '12/QĐ-TTr', complexity: 'complex', criteria: ['a_several_places'] },
    message: (b, date) => ({
      name: 'markComplex',
      date,
      ...(b.decision ? { decision: String(b.decision) } : {}),
      variables: vars({
        eventOn: date,
        complex: true,
        complexity: b.complexity,
        complexityCriteria: b.criteria,
        complexityDeterminationRef: b.decision,
      }),
    }),
  },
];

const Result = z
  .object({
    event: z.string(),
    message: z.string(),
    caught: z.number().int().meta({ description: 'Steps of the case that reacted to the event' }),
    clocksChanged: z.number().int().meta({ description: 'Statutory clocks stopped, restarted or extended' }),
    breachesSuperseded: z.number().int().meta({
      description:
        "Deadline breaches the event superseded: dated within a limit that had run out when it was recorded, it moved the limit past that moment (the breach, its overdue flag and the head's review task are marked superseded on the case)",
    }),
    recordedLate: z
      .boolean()
      .meta({ description: 'The event is dated before the day it was recorded (the audit entry says so)' }),
    links: z.object({ case: z.string() }),
  })
  .meta({ id: 'CaseEventResult' });

export const caseEventRoutes: RouteSpec[] = EVENTS.map((ev) =>
  defineRoute({
    method: 'post',
    path: `/v1/cases/:id/events/${ev.path}`,
    operationId: ev.operationId,
    tags: ['Case events'],
    summary: ev.summary,
    description: `Validated by the case workflow against its current state: an event the case cannot take now answers 409 with the reason. Legal basis: ${ev.legalBasis}.`,
    auth: { roles: ['intake', 'officer', 'supervisor', 'admin'], scope: { kind: 'case', param: 'id' } },
    idempotencyKey: true,
    request: { params: z.object({ id: CaseId }), body: ev.body, bodyExample: ev.example },
    responses: {
      200: { description: 'Accepted by the case', schema: Result },
      409: { description: 'The case cannot take this event now (reason given)' },
    },
    handler: ({ req, case: c, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal: principal,
          store: services.idempotency,
          method: 'POST',
          path: `/v1/cases/:id/events/${ev.path}`,
          resourceId: c.id,
          body: { case: c.id, body },
        },
        async () => {
          const b = body as Record<string, unknown>;
          const today = vnDate(Date.now());
          const date = typeof b.date === 'string' ? b.date : today;
          const msg = ev.message(b, date);
          // The case workflow's `sendMessage` validator checks the event against its live state
          // (legalEventCheck: a second suspension, a resumption of a running case, an extension beyond
          // the clock's policy, marking complex twice): atomically, so two concurrent requests cannot
          // both pass, and a refused event never enters the history. Its reason comes back as the 409's.
          // A case the read model already shows closed is refused without a round trip.
          const closed = `The case is closed; '${ev.path}' cannot be applied to it`;
          if (c.status === 'closed')
            throw new HttpProblem(
              409,
              'rejected-by-case',
              'The case refused the request in its current state',
              closed,
              { reason: 'CaseClosed' },
            );
          if (ev.check) {
            const refused = ev.check(date, (await queryCaseState(services.deps.temporal, c.workflowId)).variables);
            if (refused)
              throw new HttpProblem(
                409,
                'rejected-by-case',
                'The case refused the request in its current state',
                refused.detail,
                { reason: refused.reason },
              );
          }
          // A retry under the same Idempotency-Key sends the same Update id (Temporal answers the first
          // outcome); the case records the actor's entry once it applied the event, and so does this handler
          // after the answer — once per Update id, so a crash loses nothing (ADR 0013).
          const updateId = updateIdFor({
            principal: principal,
            operation: `case.event.${ev.path}`,
            key: req.get('Idempotency-Key'),
            request: { case: c.id, body },
          });
          const audit: WorkflowAuditEntry = {
            key: `case.event:${c.id}:${updateId}`,
            action: `case.event.${ev.path}`,
            actor: actorOf(principal),
            legalBasis: ev.legalBasis,
            ...(requestId ? { requestId } : {}),
            // A decision recorded after the day it is dated (e.g. an extension decided within the limit, entered after it ran out).
            after: {
              message: msg.name,
              date,
              decision: msg.decision ?? null,
              amount: msg.amount ?? null,
              ruleId: msg.ruleId ?? null,
              recordedOn: today,
              recordedLate: date < today,
            },
          };
          let r;
          try {
            r = await sendCaseUpdate(() =>
              services.deps.temporal.workflow
                .getHandle(c.workflowId)
                .executeUpdate(sendMessage, { args: [{ caseId: c.id, ...msg, audit }], updateId }),
            );
          } catch (e) {
            throw updateProblem(e, closed);
          }
          await services.audit.appendOnce(audit.key, {
            actor: audit.actor,
            action: audit.action,
            caseId: c.id,
            requestId: audit.requestId ?? null,
            legalBasis: ev.legalBasis,
            after: {
              ...audit.after,
              caught: r.caught,
              clocksChanged: r.clocksChanged,
              breachesSuperseded: r.breachesSuperseded ?? 0,
            },
          });
          return {
            body: {
              event: ev.path,
              message: msg.name,
              caught: r.caught,
              clocksChanged: r.clocksChanged,
              breachesSuperseded: r.breachesSuperseded ?? 0,
              recordedLate: date < today,
              links: { case: `/v1/cases/${c.id}` },
            },
          };
        },
      ),
  }),
);

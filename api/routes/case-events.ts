/**
 * Legal events on a case (withdraw, suspend, resume, extend, supplement, mark complex): each is
 * the case workflow's `sendMessage` Update. Its validator checks the event against the case's
 * state (a clock that can take it, or a step waiting for it); a refusal answers 409 with the
 * reason and nothing enters the history. Accepted events are written to the audit log.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { sendMessage, type CaseStateView, type SendMessageRequest } from '../../workflows/contract.js';
import type { JsonValue } from '../../workflows/engine/index.js';
import { actorOf } from '../auth/principal.js';
import { HttpProblem } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { idempotent } from '../routing/idempotent.js';
import { CaseId } from '../schemas.js';
import { queryCaseState, updateProblem } from '../workflow-errors.js';
import { VN_ZONE } from './cases.js';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: VN_ZONE }).isValid, 'not a real calendar date')
  .meta({ description: 'Date of the event (Vietnam); default today', example: '2026-07-10' });
const Ref = z.string().trim().min(1).max(200).meta({ description: 'Number/reference of the decision or document' });
const Code = z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N}_./:#-]+$/u, 'a code without spaces');
const common = { date: IsoDate.optional(), decision: Ref.optional() };

interface EventSpec {
  path: string;
  operationId: string;
  summary: string;
  legalBasis: string;
  body: z.ZodObject<z.ZodRawShape>;
  example: Record<string, unknown>;
  /** The message and its payload from the validated body. */
  message(b: Record<string, unknown>, date: string): Omit<SendMessageRequest, 'caseId'>;
}

const vars = (o: Record<string, unknown>): Record<string, JsonValue> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, JsonValue>;

const EVENTS: EventSpec[] = [
  {
    path: 'withdraw', operationId: 'withdrawCase', summary: 'Withdraw the complaint/denunciation (fully, or `partial` contents)',
    legalBasis: 'Luật Khiếu nại 2011 Art 10; Luật Tố cáo 2018 Art 33',
    body: z.strictObject({ ...common, partial: z.boolean().default(false), withdrawnContents: Code.optional().meta({ description: 'Reference of the withdrawn contents (partial withdrawal)' }) }),
    example: { date: '2026-07-08', partial: false },
    message: (b, date) => ({
      name: b.partial ? 'withdrawPartial' : 'withdraw', date, ...(b.decision ? { decision: String(b.decision) } : {}),
      variables: vars({ eventOn: date, withdrawnContents: b.withdrawnContents }),
    }),
  },
  {
    path: 'suspend', operationId: 'suspendCase', summary: 'Suspend the case: its statutory clocks stop',
    legalBasis: 'Luật Khiếu nại (sửa đổi 2025); Luật Tố cáo 2018 Art 36',
    body: z.strictObject({ ...common, ground: Code.optional().meta({ description: 'Ground of suspension, e.g. awaiting_other_body' }) }),
    example: { date: '2026-07-10', decision: '15/QĐ-TTr', ground: 'awaiting_other_body' },
    message: (b, date) => ({ name: 'suspend', date, decision: String(b.decision ?? `suspend-${date}`), variables: vars({ eventOn: date, suspensionGround: b.ground }) }),
  },
  {
    path: 'resume', operationId: 'resumeCase', summary: 'Resume a suspended case: its clocks restart',
    legalBasis: 'Luật Khiếu nại (sửa đổi 2025); Luật Tố cáo 2018 Art 36',
    body: z.strictObject({ ...common }),
    example: { date: '2026-07-22', decision: '16/QĐ-TTr' },
    message: (b, date) => ({ name: 'resume', date, decision: String(b.decision ?? `resume-${date}`), variables: vars({ eventOn: date }) }),
  },
  {
    path: 'extend', operationId: 'extendCase', summary: 'Extend a statutory deadline (bounded by the clock\'s extension policy)',
    legalBasis: 'Luật Khiếu nại 2011 Art 28, 37; Luật Tố cáo 2018 Art 30',
    body: z.strictObject({ ...common, amount: z.number().int().min(1).max(365), ruleId: Code.optional().meta({ description: 'Clock rule to extend (default: every clock that allows it)' }) }),
    example: { date: '2026-09-01', decision: '20/QĐ-UBND', amount: 15 },
    message: (b, date) => ({
      name: 'extend', date, decision: String(b.decision ?? `extend-${date}`), amount: Number(b.amount),
      ...(b.ruleId ? { ruleId: String(b.ruleId) } : {}), variables: vars({ eventOn: date, extensionDays: b.amount }),
    }),
  },
  {
    path: 'supplement', operationId: 'supplementCase', summary: 'Record documents supplemented by the citizen',
    legalBasis: 'Luật Khiếu nại 2011 Art 12; Luật Tố cáo 2018 Art 9',
    body: z.strictObject({ ...common, documents: z.array(Code).max(100).default([]).meta({ description: 'References of the supplemented documents' }) }),
    example: { date: '2026-07-12', documents: ['BS-01'] },
    message: (b, date) => ({ name: 'supplement', date, variables: vars({ eventOn: date, supplementRefs: b.documents }) }),
  },
  {
    path: 'mark-complex', operationId: 'markCaseComplex', summary: 'Mark the case complex (or especially complex)',
    legalBasis: 'Luật Khiếu nại 2011 Art 28, 37; Luật Tố cáo 2018 Art 30(1)',
    body: z.strictObject({ ...common, complexity: z.enum(['complex', 'especially_complex']).default('complex') }),
    example: { date: '2026-07-15', complexity: 'complex' },
    message: (b, date) => ({ name: 'markComplex', date, variables: vars({ eventOn: date, complex: true, complexity: b.complexity }) }),
  },
];

/** A refusal of a legal event by the case's state: 409 `rejected-by-case` with a stable `reason`. */
export interface EventRefusal { reason: string; detail: string }

/** Extension limits of clock rule `ruleId` in a definition's content (any node or trigger declaring it). */
function extensionPolicyOf(content: unknown, ruleId: string): { maxExtensions: number; maxAmountEach: number; legalBasis?: string } | null | undefined {
  let found: { maxExtensions: number; maxAmountEach: number; legalBasis?: string } | null | undefined;
  const walk = (v: unknown): void => {
    if (found !== undefined || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) { v.forEach(walk); return; }
    const o = v as Record<string, unknown>;
    if (o.ruleId === ruleId && typeof o.amount === 'number' && typeof o.unit === 'string') {
      const e = o.extension as Record<string, unknown> | undefined;
      // Limits that depend on the case (presets such as the denunciation complexity ladder): the workflow decides.
      if (e && e.preset !== undefined) return;
      found = e && typeof e.maxExtensions === 'number' && typeof e.maxAmountEach === 'number'
        ? { maxExtensions: e.maxExtensions, maxAmountEach: e.maxAmountEach, ...(typeof e.legalBasis === 'string' ? { legalBasis: e.legalBasis } : {}) }
        : null;
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(content);
  return found;
}

/**
 * Checks a legal event against the case's current (live) state before it is sent. The case
 * workflow's own validator accepts a message whenever some step catches it, even when no statutory
 * clock can take it (a second suspension, a resumption of a running case, an extension beyond the
 * rule's policy); these are the holes closed here. `definition` is the pinned definition's content
 * (for the clocks' extension policies); unknown rules are left to the workflow.
 */
export function refusalOf(
  path: string, b: Record<string, unknown>, date: string, s: Pick<CaseStateView, 'status' | 'clocks' | 'variables'>, definition?: unknown,
): EventRefusal | null {
  // A closed case has no procedure left to act on: withdrawal only "during the complaint/denunciation"
  // (Luật Khiếu nại 2011 Art 10; Luật Tố cáo 2018 Art 33(1): before the conclusion), nothing to suspend or extend.
  if (s.status === 'completed' || (s.status as string) === 'cancelled') return { reason: 'CaseClosed', detail: `The case is closed; '${path}' cannot be applied to it` };
  // Marking complex twice at the same level would issue a second determination (Luật Khiếu nại 2011 Art 28, 37).
  if (path === 'mark-complex') {
    const v = s.variables ?? {};
    const wanted = typeof b.complexity === 'string' ? b.complexity : 'complex';
    if (v.complexity === wanted || (wanted === 'complex' && v.complexity === 'especially_complex')) {
      return { reason: 'AlreadyComplex', detail: `The case is already marked ${String(v.complexity)}` };
    }
  }
  const clocks = s.clocks.filter((k) => k.kind === 'clock');
  const suspended = clocks.filter((k) => k.status === 'suspended');
  if (path === 'suspend' && suspended.length > 0) {
    // One suspension decision at a time; the clocks restart only by a continuation decision
    // (Luật Tố cáo 2018 Art 31(1)-(2); Luật Khiếu nại (sửa đổi 2025)).
    return { reason: 'AlreadySuspended', detail: `The case is already suspended (clock ${suspended.map((k) => k.ruleId).join(', ')}); resume it first` };
  }
  // A case without any statutory clock (a custom definition): its own steps decide what they catch.
  if (clocks.length === 0) return null;
  if (path === 'resume' && suspended.length === 0) {
    return { reason: 'NotSuspended', detail: 'The case is not suspended: there is nothing to resume (Luật Tố cáo 2018 Art 31(2))' };
  }
  if (path === 'extend') {
    const ruleId = typeof b.ruleId === 'string' ? b.ruleId : undefined;
    const amount = Number(b.amount);
    const candidates = clocks.filter((k) => ruleId === undefined || k.ruleId === ruleId);
    if (candidates.length === 0) return { reason: 'NoClock', detail: `No running statutory clock ${ruleId ?? ''} on this case` };
    const policies = candidates.map((k) => ({ k, policy: definition === undefined || !k.ruleId ? undefined : extensionPolicyOf(definition, k.ruleId) }));
    // Unknown rules (definition not at hand): the workflow decides.
    if (policies.some((p) => p.policy === undefined)) return null;
    // Luật Khiếu nại 2011 Art 28, 37 and Luật Tố cáo 2018 Art 30(1)-(2): extensions only where the law allows them,
    // each bounded, a bounded number of times, decided before the limit ends.
    const allowed = policies.filter((p) => p.policy);
    if (allowed.length === 0) return { reason: 'ExtensionNotAllowed', detail: `The law allows no extension of ${candidates.map((k) => k.ruleId).join(', ')}` };
    const short = allowed.filter((p) => amount <= p.policy!.maxAmountEach);
    if (short.length === 0) {
      const p = allowed[0]!;
      return { reason: 'ExtensionTooLong', detail: `An extension of ${p.k.ruleId} may not exceed ${p.policy!.maxAmountEach} days; ${amount} requested (${p.policy!.legalBasis ?? p.k.legalBasis ?? ''})` };
    }
    const left = short.filter((p) => (p.k.derivation ?? []).filter((d) => (d as { kind?: string }).kind === 'extension').length < p.policy!.maxExtensions);
    if (left.length === 0) {
      const p = short[0]!;
      return { reason: 'ExtensionLimitReached', detail: `At most ${p.policy!.maxExtensions} extension(s) of ${p.k.ruleId} are allowed and already granted (${p.policy!.legalBasis ?? ''})` };
    }
    const inTime = left.filter((p) => p.k.status !== 'breached' && !(typeof p.k.due === 'string' && date > p.k.due));
    if (inTime.length === 0) {
      const p = left[0]!;
      return { reason: 'ExtensionAfterDue', detail: `The time limit of ${p.k.ruleId} already ended on ${p.k.due ?? '?'}; an extension must be decided within it` };
    }
  }
  return null;
}

const Result = z.object({
  event: z.string(), message: z.string(), caught: z.number().int().meta({ description: 'Steps of the case that reacted to the event' }),
  clocksChanged: z.number().int().meta({ description: 'Statutory clocks stopped, restarted or extended' }),
  links: z.object({ case: z.string() }),
}).meta({ id: 'CaseEventResult' });

export const caseEventRoutes: RouteSpec[] = EVENTS.map((ev) => defineRoute({
  method: 'post', path: `/v1/cases/:id/events/${ev.path}`, operationId: ev.operationId, tags: ['Case events'],
  summary: ev.summary,
  description: `Validated by the case workflow against its current state: an event the case cannot take now answers 409 with the reason. Legal basis: ${ev.legalBasis}.`,
  auth: { roles: ['intake', 'officer', 'supervisor', 'admin'], scope: { kind: 'case', param: 'id' } },
  idempotencyKey: true,
  request: { params: z.object({ id: CaseId }), body: ev.body, bodyExample: ev.example },
  responses: { 200: { description: 'Accepted by the case', schema: Result }, 409: { description: 'The case cannot take this event now (reason given)' } },
  handler: ({ req, case: c, body, principal, services, requestId }) => idempotent({
    key: req.get('Idempotency-Key'), principal: principal!, store: services.idempotency, method: 'POST',
    path: `/v1/cases/:id/events/${ev.path}`, resourceId: c!.id, body: { case: c!.id, body },
  }, async () => {
    const b = body as Record<string, unknown>;
    const date = typeof b.date === 'string' ? b.date : DateTime.now().setZone(VN_ZONE).toISODate()!;
    const msg = ev.message(b, date);
    // The live state (not the read model, which may lag by a step): refuse what the case cannot take now.
    const state = await queryCaseState(services.deps.temporal, c!.workflowId);
    let content: unknown;
    if (ev.path === 'extend') {
      const row = await services.deps.db('cases').where({ id: c!.id }).first('definition_key', 'definition_version', 'definition_hash');
      content = row?.definition_key ? (await services.definitions.getCached(row.definition_key, row.definition_version, String(row.definition_hash)))?.content : undefined;
    }
    const refusal = c!.status === 'closed' ? { reason: 'CaseClosed', detail: `The case is closed; '${ev.path}' cannot be applied to it` } : refusalOf(ev.path, b, date, state, content);
    if (refusal) throw new HttpProblem(409, 'rejected-by-case', 'The case refused the request in its current state', refusal.detail, { reason: refusal.reason });
    let r;
    try {
      r = await services.deps.temporal.workflow.getHandle(c!.workflowId).executeUpdate(sendMessage, { args: [{ caseId: c!.id, ...msg }] });
    } catch (e) {
      throw updateProblem(e);
    }
    await services.audit.append({
      actor: actorOf(principal), action: `case.event.${ev.path}`, caseId: c!.id, requestId, legalBasis: ev.legalBasis,
      after: { message: msg.name, date, decision: msg.decision ?? null, amount: msg.amount ?? null, ruleId: msg.ruleId ?? null, caught: r.caught, clocksChanged: r.clocksChanged },
    });
    return { body: { event: ev.path, message: msg.name, caught: r.caught, clocksChanged: r.clocksChanged, links: { case: `/v1/cases/${c!.id}` } } };
  }),
}));

import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { startHttpTimer } from '../../platform/metrics.js';
import { forbidden, notFound } from '../auth/errors.js';
import { unauthenticated } from '../auth/authenticate.js';
import { jsonTextProblem, textProblem } from '../../workflows/text-check.js';
import { withVnInstants } from '../instants.js';
import { HttpProblem, problems, zodToProblem } from '../problem.js';
import type { CaseRecord } from '../../db/cases.js';
import type { ReportRecord } from '../../db/reports.js';
import type { Period } from '../../db/reception-periods.js';
import type { Principal } from '../auth/principal.js';
import type { RouteSpec } from './define-route.js';
import type { Services } from './services.js';

/** API task ids are `<caseId>.<taskId>`: task ids are unique within their case only. */
export function splitTaskId(id: string): { caseId: string; taskId: string } {
  const i = id.indexOf('.');
  return i < 0 ? { caseId: id, taskId: '' } : { caseId: id.slice(0, i), taskId: id.slice(i + 1) };
}

function isEmptyBody(b: unknown): boolean {
  return b === undefined || (typeof b === 'object' && b !== null && !Array.isArray(b) && Object.keys(b).length === 0);
}

/**
 * ADR 0016: refuses control characters and lone surrogates in path parameters, query parameters (names
 * and values) and the Idempotency-Key header, and in the JSON body (keys and values; tab and line breaks
 * allowed in values) together with nesting deeper than MAX_JSON_DEPTH and non-finite numbers.
 * 400 problem+json naming the field.
 */
function refuseBadText(req: Request): void {
  const issues: Array<{ path: string; message: string }> = [];
  for (const [k, v] of Object.entries(req.params ?? {})) {
    const m = typeof v === 'string' ? textProblem(v, false) : null;
    if (m) issues.push({ path: `params.${k}`, message: m });
  }
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    const km = textProblem(k, false);
    if (km) {
      issues.push({ path: 'query', message: `a parameter name ${km}` });
      continue;
    }
    for (const x of Array.isArray(v) ? v : [v]) {
      const m = typeof x === 'string' ? textProblem(x, false) : null;
      if (m) {
        issues.push({ path: `query.${k}`, message: m });
        break;
      }
    }
  }
  const key = req.headers['idempotency-key'];
  if (typeof key === 'string') {
    const m = textProblem(key, false);
    if (m) issues.push({ path: 'header.Idempotency-Key', message: m });
  }
  if (req.body !== undefined && typeof req.body !== 'string') {
    const t = jsonTextProblem(req.body);
    if (t) issues.push(t);
  }
  if (issues.length > 0) throw problems.validation(issues);
}

/**
 * The context as it is built, before its type is narrowed: the handler receives it as the
 * `HandlerContext` of its route's access rule, whose guarantees (a principal on every authenticated
 * route, `case` on case and task routes, `governingAgency` on governing-agency routes) are established here.
 */
interface BuiltContext {
  req: Request;
  res: Response;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  principal: Principal | undefined;
  subtree: string[];
  case?: CaseRecord;
  report?: ReportRecord;
  reception?: { agencyId: string };
  period?: Period;
  governingAgency?: string | null;
  services: Services;
  requestId: string;
}

async function buildContext(spec: RouteSpec, services: Services, req: Request, res: Response): Promise<BuiltContext> {
  const ctx: BuiltContext = {
    req,
    res,
    params: {},
    query: {},
    body: undefined,
    principal: undefined,
    subtree: [],
    services,
    requestId: String((req as { id?: unknown }).id ?? ''),
  };

  // 1. Who: authenticate (401) and check the role (403) before touching any resource.
  if (spec.auth !== 'public') {
    // RFC 9110 §11.6.1: a 401 names the schemes the client may use.
    res.set('WWW-Authenticate', 'Bearer, ApiKey');
    const principal = await services.authenticate(req);
    if (!principal)
      throw unauthenticated('Send Authorization: Bearer <token>, X-Api-Key: <key> or Authorization: ApiKey <key>');
    res.removeHeader('WWW-Authenticate');
    if (!spec.auth.roles.some((r) => principal.roles.includes(r))) {
      throw forbidden(`This operation needs one of the roles: ${spec.auth.roles.join(', ')}`);
    }
    ctx.principal = principal;
    ctx.subtree = await services.agencies.subtree(principal.agencyId);
  }

  // 2. What: strict validation. First the text rules of every input (ADR 0016: no control characters,
  // no lone surrogates, bounded nesting, finite numbers) — before any schema, look-up, write or start.
  refuseBadText(req);
  // Path parameters that cannot be valid are simply not found.
  const rq = spec.request ?? {};
  if (rq.params) {
    const p = rq.params.safeParse(req.params);
    if (!p.success) throw notFound('The resource');
    ctx.params = p.data as Record<string, unknown>;
  }
  const query = req.query as Record<string, unknown>;
  if (rq.query) {
    const q = rq.query.safeParse(query);
    if (!q.success) throw zodToProblem(q.error, 'query');
    ctx.query = q.data as Record<string, unknown>;
  } else if (Object.keys(query).length > 0) {
    throw problems.validation(
      Object.keys(query).map((k) => ({ path: `query.${k}`, message: 'unknown query parameter' })),
    );
  }
  if (rq.textImport && typeof req.body === 'string' && req.is(rq.textImport.contentTypes)) {
    req.body = await rq.textImport.convert(req.body);
  }
  if (rq.textImport && req.body !== undefined) {
    const t = jsonTextProblem(req.body);
    if (t) throw problems.validation([t]);
  }
  if (rq.body) {
    if (req.body === undefined) {
      if (req.headers['content-type'] && !req.is('application/json') && !req.is('application/*+json')) {
        throw new HttpProblem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'Send the body as application/json',
        );
      }
      throw problems.validation([{ path: '', message: 'a JSON body is required' }]);
    }
    const b = (rq.body as z.ZodType).safeParse(req.body);
    if (!b.success) throw zodToProblem(b.error);
    ctx.body = b.data;
  } else if (!isEmptyBody(req.body)) {
    throw problems.validation([{ path: '', message: 'this operation takes no request body' }]);
  }

  // 3. Where: the agency scope. Out of the caller's subtree is indistinguishable from missing.
  if (spec.auth !== 'public' && ctx.principal) {
    const { principal, requestId } = ctx;
    const scope = spec.auth.scope;
    const within = (agencyId: string) => ctx.subtree.includes(agencyId);
    if (scope.kind === 'case') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const c = await services.cases.get(id);
      // ADR 0012: a read route may also admit a caller to whose subtree a task of the case is routed
      // (a superior's review, the inspectorate's verification: ADR 0010) — reading only, never acting.
      // ADR 0037: and a member of a task force working the case, outside their own subtree (audited).
      const admitted =
        c &&
        (within(c.agencyId) ||
          (scope.routedTaskReaders === true &&
            ((await services.taskSearch.routedTo(c.id, ctx.subtree)) ||
              (await services.taskForces.admit(principal, c.id, `${spec.operationId} ${c.id}`, requestId, [
                c.agencyId,
              ])))));
      if (!c || !admitted) throw notFound(`Case ${id}`);
      ctx.case = c;
    } else if (scope.kind === 'body-agency') {
      const named = (ctx.body as Record<string, unknown>)[scope.field];
      if (named === null && scope.nullFor) {
        if (!scope.nullFor.some((r) => ctx.principal!.roles.includes(r))) {
          throw forbidden(`Only ${scope.nullFor.join(', ')} acts at the system level (${scope.field}: null)`);
        }
      } else if (!within(String(named))) throw notFound(`Agency ${String(named)}`);
    } else if (scope.kind === 'agency') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      if (!within(id)) throw notFound(`Agency ${id}`);
    } else if (scope.kind === 'person') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const agencies = await services.directory.store.membershipAgencies(id);
      const seen =
        agencies.length > 0
          ? agencies.some(within)
          : (await services.agencies.ancestors(ctx.principal!.agencyId)).length === 1 &&
            (await services.directory.store.person(id)) !== undefined;
      if (!seen) throw notFound(`Person ${id}`);
      // A person's record is shared by every agency they work in: changed only by a caller whose subtree
      // holds all of them (a commune admin cannot rewrite the province head's address or silence them).
      if (spec.method !== 'get' && !agencies.every(within)) {
        throw forbidden(
          `Person ${id} also works outside your agency subtree: an admin above all their agencies changes them`,
        );
      }
    } else if (scope.kind === 'task') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const { caseId, taskId } = splitTaskId(id);
      const c = await services.cases.get(caseId);
      // Worked within the subtree of the agency the task is routed to (ADR 0010: a parent- or
      // inspectorate-scoped task); a task not projected yet: the case's agency.
      const target = c ? ((await services.taskSearch.get(caseId, taskId))?.targetAgencyId ?? c.agencyId) : undefined;
      // ADR 0037: a member of a task force working the case works its tasks too (each access audited).
      const admitted =
        c &&
        target &&
        (within(target) ||
          (await services.taskForces.admit(principal, c.id, `${spec.operationId} ${id}`, requestId, [
            c.agencyId,
            target,
          ])));
      if (!c || !admitted) throw notFound(`Task ${id}`);
      ctx.case = c;
    } else if (scope.kind === 'governing-agency') {
      const named = (ctx.query as Record<string, unknown>)[scope.param];
      if (named === undefined) ctx.governingAgency = principal.agencyId;
      else if (named === 'system') {
        if (!scope.systemRoles.some((r) => principal.roles.includes(r))) {
          throw forbidden(`Only a system-level role (${scope.systemRoles.join(', ')}) acts at the system level`);
        }
        ctx.governingAgency = null;
      } else {
        if (!within(String(named))) throw notFound(`Agency ${String(named)}`);
        ctx.governingAgency = String(named);
      }
    } else if (scope.kind === 'api-key') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const k = await services.apiKeys.get(id);
      if (!k || !within(k.agencyId)) throw notFound(`API key ${id}`);
    } else if (scope.kind === 'webhook') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const w = await services.webhooks.get(id);
      if (!w || !within(w.agencyId)) throw notFound(`Webhook ${id}`);
    } else if (scope.kind === 'hotspot') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      if (!(await services.hotspots.visible(id, ctx.subtree))) throw notFound(`Hotspot ${id}`);
    } else if (scope.kind === 'report') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const r = await services.reports.get(id);
      if (!r || !within(r.agencyId)) throw notFound(`Report ${id}`);
      // ADR 0032: a report is written and submitted by its own agency; the levels above read it.
      if (scope.ownAgencyOnly && r.agencyId !== principal.agencyId) {
        throw forbidden(`Report ${id} is written and submitted by its own agency (${r.agencyId})`);
      }
      ctx.report = r;
    } else if (scope.kind === 'period') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const p = await services.receptionPeriods.store.get(id);
      if (!p || !(within(p.governingAgencyId) || p.agencies.some(within))) throw notFound(`Special period ${id}`);
      // ADR 0035: declared and changed by the level that governs the agencies concerned.
      if (scope.manage && !within(p.governingAgencyId))
        throw forbidden(`Special period ${id} is managed by ${p.governingAgencyId} or the agencies above it`);
      ctx.period = p;
    } else if (scope.kind === 'owned') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const owner = await services.ownerOf(scope.resource, id);
      if (!owner || !within(owner)) throw notFound(`${scope.resource} ${id}`);
    } else if (scope.kind === 'reception') {
      const id = (ctx.params as Record<string, string>)[scope.param]!;
      const store = services.receptionStore;
      const r = scope.resource;
      const row = await (r === 'matter'
        ? services.matters.get(id)
        : r === 'gathering'
          ? services.massMatterStore.gathering(id)
          : r === 'place'
            ? store.place(id)
            : r === 'session'
              ? store.session(id)
              : store.visit(id));
      if (!row || !within(row.agencyId))
        throw notFound(`${scope.resource[0]!.toUpperCase()}${scope.resource.slice(1)} ${id}`);
      ctx.reception = row;
    }
  }
  return ctx;
}

/** Registers every route spec on a router: metrics, auth, validation, scope, then the handler. */
export function mountRoutes(specs: readonly RouteSpec[], services: Services): Router {
  const r = Router();
  for (const spec of specs) {
    r[spec.method](spec.path, async (req, res) => {
      const done = startHttpTimer(spec.method.toUpperCase());
      res.once('finish', () => done(spec.path, res.statusCode));
      const ctx = await buildContext(spec, services, req, res);
      const reply = await spec.handler(ctx as never);
      if (reply && !res.headersSent) {
        if (reply.headers) res.set(reply.headers);
        // One form of date-time in every /v1 answer: the Vietnam offset (ADR 0019).
        res.status(reply.status ?? 200).json(spec.path.startsWith('/v1/') ? withVnInstants(reply.body) : reply.body);
      }
    });
  }
  return r;
}

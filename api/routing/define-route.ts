import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Principal, Role } from '../auth/principal.js';
import type { CaseRecord } from '../../db/cases.js';
import type { ReportRecord } from '../../db/reports.js';
import type { PlaceRecord, SessionRecord, VisitRecord } from '../../db/reception.js';
import type { MatterRecord } from '../../db/matters.js';
import type { GatheringRecord } from '../../db/mass-matters.js';
import type { Period } from '../../db/reception-periods.js';
import type { Services } from './services.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Which agency a request touches, checked before the handler runs. A resource outside the caller's
 * agency subtree answers 404 — exactly like a resource that does not exist — so that existence does
 * not leak; a caller without the role gets 403 before any look-up.
 */
export type ScopeRule =
  /** Not tied to an agency (e.g. the audit chain as a whole). */
  | { kind: 'none' }
  /** A list: the handler filters to `ctx.subtree`. */
  | { kind: 'subtree' }
  /**
   * The case named by a path parameter (`ctx.case` is set). `routedTaskReaders`: also a caller outside
   * the case's subtree to whose subtree one of its tasks is (or was) routed (ADR 0012; read routes only).
   */
  | { kind: 'case'; param: string; routedTaskReaders?: boolean }
  /**
   * The agency named by a body field (e.g. the receiving agency of a new case). `nullFor`: a null
   * field means the system level (e.g. a new top-level agency), allowed to these roles only (403).
   */
  | { kind: 'body-agency'; field: string; nullFor?: readonly Role[] }
  /** The agency named by a path parameter (ADR 0024): it must be in the caller's subtree. */
  | { kind: 'agency'; param: string }
  /**
   * A person of the directory named by a path parameter (ADR 0024): one with a membership of an agency
   * in the caller's subtree, or with no membership at all when the caller's agency is a root.
   */
  | { kind: 'person'; param: string }
  /** The API key named by a path parameter. */
  | { kind: 'api-key'; param: string }
  /** The webhook subscription named by a path parameter (ADR 0026; deleted ones too). */
  | { kind: 'webhook'; param: string }
  /** A hotspot named by a path parameter (ADR 0034): one of its items is of an agency in the subtree. */
  | { kind: 'hotspot'; param: string }
  /**
   * A stored report named by a path parameter (ADR 0032): its agency must be in the subtree (`ctx.report`
   * is set). `ownAgencyOnly`: only staff of the report's own agency act (a caller above answers 403).
   */
  | { kind: 'report'; param: string; ownAgencyOnly?: boolean }
  /**
   * A reception place, session, visit, matter or central gathering named by a path parameter (ADR 0028, 0036):
   * its agency must be in
   * the subtree (`ctx.reception` is the row the check read).
   */
  | { kind: 'reception'; param: string; resource: 'place' | 'session' | 'visit' | 'matter' | 'gathering' }
  /**
   * A special period named by a path parameter (ADR 0035): seen when its governing agency or an agency it
   * concerns is in the subtree; `manage`: only when its governing agency is (a commune cannot change a
   * province's period: 403). Sets `ctx.period`.
   */
  | { kind: 'period'; param: string; manage?: boolean }
  /**
   * A task force, review campaign or review named by a path parameter (ADR 0037): its owning agency (the
   * task force's governing agency, the campaign's launching agency, the review's agency) is in the subtree.
   */
  | { kind: 'owned'; param: string; resource: 'task-force' | 'review-campaign' | 'review' | 'compliance-task' }
  /** A task named by a path parameter (`<caseId>.<taskId>`): its case must be in the subtree (`ctx.case` is set). */
  | { kind: 'task'; param: string }
  /**
   * The agency that will govern what the request registers (ADR 0013), named by a query parameter:
   * absent → the caller's own agency; `system` → the system level, for `systemRoles` only (403 for
   * others); any other value must be in the caller's subtree (404). Sets `ctx.governingAgency`
   * (null = system level).
   */
  | { kind: 'governing-agency'; param: string; systemRoles: readonly Role[] };

/** A route's access rule: public, or the roles allowed and how the agency scope applies. */
export type AuthRule = 'public' | { roles: readonly Role[]; scope: ScopeRule };

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

/** What every handler receives: the request, its validated input and the app's services. */
interface BaseContext<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
> {
  req: Request;
  res: Response;
  params: P extends AnyObject ? z.output<P> : Record<string, never>;
  query: Q extends AnyObject ? z.output<Q> : Record<string, never>;
  body: B extends z.ZodType ? z.output<B> : undefined;
  services: Services;
  requestId: string;
}

/** What the scope check of `S` loaded (ADR 0022: the type says what the route guarantees). */
export type ScopeContext<S extends ScopeRule> = S extends { kind: 'case' } | { kind: 'task' }
  ? { /** The case the path names, within the caller's reach. */ case: CaseRecord }
  : S extends { kind: 'governing-agency' }
    ? { /** The governing agency's id, or null for the system level. */ governingAgency: string | null }
    : S extends { kind: 'report' }
      ? { /** The report the path names, within the caller's reach. */ report: ReportRecord }
      : S extends { kind: 'reception'; resource: infer R extends keyof ReceptionRows }
        ? { /** The place, session, visit or matter the path names, in reach. */ reception: ReceptionRows[R] }
        : S extends { kind: 'period' }
          ? { /** The special period the path names, within the caller's reach. */ period: Period }
          : Record<never, never>;

/** The row a `reception` scope check reads, by resource. */
export interface ReceptionRows {
  place: PlaceRecord;
  session: SessionRecord;
  visit: VisitRecord;
  matter: MatterRecord;
  gathering: GatheringRecord;
}

/** The caller as the access rule `A` guarantees it: none on a public route; authenticated, with its subtree, otherwise. */
export type AuthContext<A extends AuthRule> = A extends 'public'
  ? { principal: undefined; subtree: [] }
  : A extends { scope: infer S extends ScopeRule }
    ? {
        /** The authenticated caller, holding one of the route's roles. */ principal: Principal;
        /** The caller's agency subtree. */ subtree: string[];
      } & ScopeContext<S>
    : never;

/**
 * What a handler receives: validated input, the caller, and the resource the scope check loaded — typed by
 * the route's access rule `A`, so that a handler of a case route has `case`, and one of an authenticated
 * route a `principal`, without non-null assertions.
 */
export type HandlerContext<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  A extends AuthRule = AuthRule,
> = BaseContext<P, Q, B> & AuthContext<A>;

/** A handler may write to `res` itself or return a JSON reply. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  A extends AuthRule = AuthRule,
> {
  method: Method;
  /** Express syntax (`/v1/cases/:id`); converted to `{id}` for OpenAPI. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: A;
  /** Documents (and the handler honours) the `Idempotency-Key` header. */
  idempotencyKey?: boolean;
  request?: {
    /** Invalid path parameters answer 404 (an id that cannot exist is simply not found). */
    params?: P;
    /** Strict: unknown query parameters are rejected. */
    query?: Q;
    /** Strict: unknown fields are rejected. */
    body?: B;
    /** A valid body: shown in /docs, and used by the route × role matrix test. */
    bodyExample?: unknown;
    /** A valid query (when some parameter is required): shown in /docs, used by the matrix test. */
    queryExample?: Record<string, string>;
    /**
     * Another body format accepted besides JSON (e.g. BPMN XML): after the role check, a text body
     * of one of `contentTypes` is converted to the JSON body, then validated like any JSON body.
     * `convert` throws an HttpProblem (e.g. 422 naming the elements) when the text cannot be read.
     */
    textImport?: { contentTypes: string[]; description: string; convert(text: string): Promise<unknown> };
  };
  responses: Record<number, ResponseSpec>;
  /** Not listed in /openapi.json (e.g. the docs page itself). */
  hidden?: boolean;
  handler(ctx: HandlerContext<P, Q, B, A>): Promise<Reply | void> | Reply | void;
}

/**
 * Declares a route in one place: method, path, access rule, request/response schemas and handler.
 * The same object registers the Express handler (with authentication, the role and scope checks and
 * strict validation) and the OpenAPI operation, and feeds the route × role matrix test.
 *
 * @example
 * export const getThing = defineRoute({
 *   method: 'get', path: '/v1/cases/:id/things', operationId: 'listThings', summary: 'List things', tags: ['Cases'],
 *   auth: { roles: ['officer', 'supervisor', 'admin'], scope: { kind: 'case', param: 'id' } },
 *   request: { params: z.object({ id: CaseId }) },
 *   responses: { 200: { description: 'The things', schema: ThingList } },
 *   handler: async ({ case: c, services }) => ({ body: await services.things.list(c.id) }),
 * });
 */
export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  const A extends AuthRule = AuthRule,
>(spec: RouteSpec<P, Q, B, A>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** `/v1/cases/:id` → `/v1/cases/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

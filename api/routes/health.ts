import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => {
      t = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

const Check = z.object({ ok: z.boolean(), error: z.string().optional() });
const Ready = z
  .object({ status: z.enum(['ready', 'not-ready']), checks: z.record(z.string(), Check) })
  .meta({ id: 'Readiness' });

/** Liveness (`/healthz`: the process is up) and readiness (`/readyz`: PostgreSQL and Temporal reachable). */
export const healthRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    summary: 'Liveness',
    tags: ['Operations'],
    auth: 'public',
    responses: { 200: { description: 'The process is up', schema: z.object({ status: z.literal('ok') }) } },
    handler: () => ({ body: { status: 'ok' } }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    summary: 'Readiness (PostgreSQL and Temporal reachable)',
    tags: ['Operations'],
    auth: 'public',
    responses: {
      200: { description: 'Ready', schema: Ready },
      503: { description: 'A dependency is unreachable', schema: Ready },
    },
    handler: async ({ services }) => {
      const checks: Record<string, { ok: boolean; error?: string }> = {};
      await Promise.all([
        withTimeout(services.pingDb(), 2000, 'postgres').then(
          () => {
            checks.postgres = { ok: true };
          },
          (e: Error) => {
            checks.postgres = { ok: false, error: e.message };
          },
        ),
        withTimeout(services.deps.temporal.connection.workflowService.getSystemInfo({}), 2000, 'temporal').then(
          () => {
            checks.temporal = { ok: true };
          },
          (e: Error) => {
            checks.temporal = { ok: false, error: e.message };
          },
        ),
      ]);
      const ok = Object.values(checks).every((c) => c.ok);
      return { status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'not-ready', checks } };
    },
  }),
];

import { Router } from 'express';
import type { AppDeps } from '../deps.js';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms))]);
}

/** Liveness (`/healthz`: the process is up) and readiness (`/readyz`: PostgreSQL and Temporal reachable). */
export function healthRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all([
      withTimeout(deps.db.raw('select 1'), 2000, 'postgres').then(
        () => { checks.postgres = { ok: true }; },
        (e: Error) => { checks.postgres = { ok: false, error: e.message }; },
      ),
      withTimeout(deps.temporal.connection.workflowService.getSystemInfo({}), 2000, 'temporal').then(
        () => { checks.temporal = { ok: true }; },
        (e: Error) => { checks.temporal = { ok: false, error: e.message }; },
      ),
    ]);
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready', checks });
  });
  return r;
}

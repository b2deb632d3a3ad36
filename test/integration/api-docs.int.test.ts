import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../api/app.js';
import { issueDevAdminToken } from '../../api/auth/dev-token.js';
import { openApiPath } from '../../api/routing/define-route.js';
import { authHeader, TEST_JWT_SECRET } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

describe('OpenAPI document, interactive docs, metrics, dev token', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('/openapi.json is OpenAPI 3.1 with every declared route, its auth rule and security', async () => {
    const r = await fetch(`${api.url}/openapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            security: unknown[];
            'x-kntc-auth': Record<string, unknown>;
            responses: Record<string, unknown>;
          }
        >
      >;
      components: {
        securitySchemes: Record<string, unknown>;
        schemas: Record<string, { additionalProperties?: boolean }>;
      };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearerAuth']);
    for (const spec of apiRoutes().filter((s) => !s.hidden)) {
      const op = doc.paths[openApiPath(spec.path)]?.[spec.method];
      expect(op, spec.operationId).toBeDefined();
      expect(op!.operationId).toBe(spec.operationId);
      if (spec.auth === 'public') {
        expect(op!.security).toEqual([]);
        expect(op!['x-kntc-auth']).toEqual({ public: true });
      } else {
        expect(op!['x-kntc-auth']).toMatchObject({ roles: [...spec.auth.roles], scope: spec.auth.scope });
        expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
    // Operation ids are unique; every {param} of a path is declared as a path parameter.
    const ids = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, methods] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(methods) as Array<{ parameters?: Array<{ in: string; name: string }> }>) {
        expect(
          (op.parameters ?? [])
            .filter((p) => p.in === 'path')
            .map((p) => p.name)
            .sort(),
          path,
        ).toEqual(names);
      }
    }
    // Strict bodies are documented as such.
    expect(doc.components.schemas.CreateCase!.additionalProperties).toBe(false);
  });

  it('/docs serves Swagger UI from the npm package, pointed at /openapi.json', async () => {
    const page = await fetch(`${api.url}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    const bundle = await fetch(`${api.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await fetch(`${api.url}/docs/kntc-init.js`)).status).toBe(200);
    expect((await fetch(`${api.url}/docs`, { redirect: 'manual' })).status).toBe(301);
  });

  it('/metrics exposes Prometheus text with request latency by route template and the domain counters', async () => {
    await fetch(`${api.url}/healthz`);
    const r = await fetch(`${api.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await r.text();
    expect(text).toMatch(/kntc_http_request_duration_seconds_bucket\{.*route="\/healthz".*\}/);
    for (const m of [
      'kntc_cases_started_total',
      'kntc_tasks_completed_total',
      'kntc_deadline_breaches_total',
      'kntc_projection_lag_seconds',
    ])
      expect(text).toContain(m);
  });

  it('the dev admin token printed by npm start authenticates as admin of the demo province', async () => {
    const token = await issueDevAdminToken({ jwtSecret: TEST_JWT_SECRET });
    const r = await fetch(`${api.url}/v1/api-keys`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const verify = await fetch(`${api.url}/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
    expect(verify.status).toBe(200);
  });

  it('Idempotency-Keys are scoped per caller: two systems using the same key get two cases', async () => {
    const body = {
      type: 'petition',
      channel: 'portal',
      receivedAt: '2026-07-01T09:30:00+07:00',
      agencyId: 'ubnd-xa-a',
      subject: 'Kiến nghị',
    };
    const post = async (sub: string) =>
      (await (
        await fetch(`${api.url}/v1/cases`, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: {
            'content-type': 'application/json',
            'Idempotency-Key': 'shared-key',
            ...(await authHeader({ roles: ['intake'], agency: 'ubnd-xa-a', sub })),
          },
        })
      ).json()) as { id: string };
    const [a1, a2, b] = [await post('system-a'), await post('system-a'), await post('system-b')];
    expect(a2.id).toBe(a1.id);
    expect(b.id).not.toBe(a1.id);
  });

  it('errors are problem+json naming the field, including unknown fields', async () => {
    const token = await issueDevAdminToken({ jwtSecret: TEST_JWT_SECRET });
    const r = await fetch(`${api.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', agencyId: 'so-tnmt', roles: ['intake'], surprise: 1 }),
    });
    expect(r.status).toBe(400);
    const p = (await r.json()) as { type: string; errors: Array<{ path: string }> };
    expect(p.type).toBe('https://kntc-flow.vn/problems/validation');
    expect(p.errors.map((e) => e.path)).toContain('surprise');
  });
});

import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { metricsRegistry } from '../../platform/metrics.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';

/** `/openapi.json` and `/metrics` as declared routes; the document is built once by the app. */
export function metaRoutes(openApi: () => unknown): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApi',
      tags: ['Operations'],
      summary: 'This OpenAPI 3.1 document',
      auth: 'public',
      responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
      handler: () => ({ body: openApi() }),
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      tags: ['Operations'],
      auth: 'public',
      summary:
        'Prometheus metrics (request latency, cases started, tasks completed, deadline breaches, projection lag)',
      description: 'Meant for the internal network (scrapers); expose it outside only behind a proxy rule.',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain', schema: z.string() } },
      handler: async ({ res }) => {
        res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
      },
    }),
  ];
}

const require = createRequire(import.meta.url);
const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const DOCS_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>kntc-flow API</title>
<link rel="stylesheet" href="./swagger-ui.css"><link rel="stylesheet" href="./index.css"></head>
<body><div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js"></script><script src="./swagger-ui-standalone-preset.js"></script>
<script src="./kntc-init.js"></script></body></html>`;

const DOCS_INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: '../openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
};`;

/** Interactive docs at `/docs/` from the swagger-ui-dist package (served locally, no CDN). */
export function docsRouter(): Router {
  const r = Router();
  r.get('/docs', (req, res, next) =>
    req.path === '/docs' && !req.originalUrl.startsWith('/docs/') ? res.redirect(301, '/docs/') : next(),
  );
  r.get('/docs/', (_req, res) => {
    res.type('html').send(DOCS_HTML);
  });
  r.get('/docs/kntc-init.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_INIT);
  });
  r.use('/docs', express.static(swaggerDir, { index: false, fallthrough: true }));
  return r;
}

import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './deps.js';
import { notFoundRoute, problemMiddleware } from './problem.js';
import { caseRoutes } from './routes/cases.js';
import { healthRoutes } from './routes/health.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Builds the HTTP app from injected dependencies (no globals, no connections opened here). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pinoHttp({
    logger: deps.logger,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Bodies are never logged (personal data); only method, url, status and timing.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  }));
  app.use(express.json({ limit: deps.bodyLimit ?? '256kb', type: ['application/json', 'application/*+json'] }));
  app.use(healthRoutes(deps));
  app.use(caseRoutes(deps));
  app.use(notFoundRoute);
  app.use(problemMiddleware);
  return app;
}

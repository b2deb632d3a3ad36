import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './deps.js';
import { MAX_BPMN_BYTES } from '../processes/bpmn/bounds.js';
import { buildOpenApi } from './openapi.js';
import { notFoundRoute, problemMiddleware } from './problem.js';
import type { RouteSpec } from './routing/define-route.js';
import { mountRoutes } from './routing/mount.js';
import { registerStuckCasesGauge } from './stuck-cases.js';
import { createServices } from './routing/services.js';
import { adminCaseRoutes } from './routes/admin-cases.js';
import { agencyRoutes } from './routes/agencies.js';
import { DIRECTORY_TEXT_TYPES, directoryRoutes } from './routes/directory.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit.js';
import { calendarRouteSpecs } from './routes/calendar.js';
import { caseRoutes } from './routes/cases.js';
import { caseImportRoutes } from './routes/case-import.js';
import { caseExportRoutes } from './routes/case-export.js';
import { definitionRoutes, TEXT_IMPORT_TYPES } from './routes/definitions.js';
import { caseEventRoutes } from './routes/case-events.js';
import { taskRoutes } from './routes/tasks.js';
import { healthRoutes } from './routes/health.js';
import { historyRoutes } from './routes/history.js';
import { docsRouter, metaRoutes } from './routes/meta.js';
import { partyRoutes } from './routes/parties.js';
import { notificationRoutes } from './routes/notifications.js';
import { projectionFailureRoutes } from './routes/projection-failures.js';
import { publicRoutes } from './routes/public.js';
import { eventRoutes } from './routes/events.js';
import { figureRoutes } from './routes/figures.js';
import { webhookRoutes } from './routes/webhooks.js';
import { hotspotRoutes } from './routes/hotspots.js';
import { receptionScheduleRoutes } from './routes/reception-schedule.js';
import { receptionPeriodRoutes } from './routes/reception-periods.js';
import { receptionComplianceRoutes } from './routes/reception-compliance.js';
import { reportRoutes } from './routes/reports.js';
import { reportFormRoutes } from './routes/report-forms.js';
import { receptionRoutes } from './routes/reception.js';
import { matterRoutes } from './routes/matters.js';
import { taskForceRoutes } from './routes/task-forces.js';
import { reviewCampaignRoutes } from './routes/review-campaigns.js';
import { gatheringRoutes } from './routes/gatherings.js';
import { publicationRoutes } from './routes/publications.js';
import { safeErrorSerializer } from '../platform/db-errors.js';
import { consoleRouter } from './console.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
export const API_VERSION = '0.1.0';

let openApiDoc: unknown;
/** The OpenAPI document of every declared route (built once; the routes are static). */
export function openApiDocument(): unknown {
  openApiDoc ??= buildOpenApi(apiRoutes(), { version: API_VERSION });
  return openApiDoc;
}

/**
 * Every route of the API, declared with `defineRoute`. Add new route lists here: they are mounted,
 * documented in /openapi.json and covered by the route × role matrix and bad-input tests at once.
 */
export function apiRoutes(): RouteSpec[] {
  return [
    ...healthRoutes,
    ...metaRoutes(openApiDocument),
    ...caseImportRoutes,
    ...caseExportRoutes,
    ...caseRoutes,
    ...figureRoutes,
    ...caseEventRoutes,
    ...taskRoutes,
    ...definitionRoutes,
    ...partyRoutes,
    ...auditRoutes,
    ...historyRoutes,
    ...agencyRoutes,
    ...directoryRoutes,
    ...apiKeyRoutes,
    ...calendarRouteSpecs,
    ...adminCaseRoutes,
    ...publicRoutes,
    ...publicationRoutes,
    ...projectionFailureRoutes,
    ...eventRoutes,
    ...webhookRoutes,
    ...receptionScheduleRoutes,
    ...receptionPeriodRoutes,
    ...receptionComplianceRoutes,
    ...notificationRoutes,
    ...hotspotRoutes,
    ...reportFormRoutes,
    ...reportRoutes,
    ...receptionRoutes,
    ...matterRoutes,
    ...taskForceRoutes,
    ...reviewCampaignRoutes,
    ...gatheringRoutes,
  ];
}

/** Builds the HTTP app from injected dependencies (no globals, no connections opened here). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  registerStuckCasesGauge(deps);
  app.disable('x-powered-by');
  // No ETags: Express's is a hash of the body, and a body with an 8-digit citizen PIN (GET /v1/cases/:id/receipt)
  // would be recoverable offline from a logged header. No route answers conditional requests.
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Bodies and query strings are never logged (personal data, PINs); only method, path, status and timing.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: safeErrorSerializer, // no input quoted by a PostgreSQL error (platform/db-errors.ts)
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use(express.json({ limit: deps.bodyLimit ?? '256kb', type: ['application/json', 'application/*+json'] }));
  // Text bodies for routes that import another format (BPMN 2.0 XML definitions: request.textImport);
  // a statutory lifecycle with its diagram is a few hundred kB of XML (bounded: processes/bpmn/bounds.ts).
  app.use(express.text({ limit: MAX_BPMN_BYTES, type: TEXT_IMPORT_TYPES }));
  // CSV files of the directory import (ADR 0024): a province's agencies and staff.
  app.use(express.text({ limit: '4mb', type: DIRECTORY_TEXT_TYPES }));
  const services = createServices(deps);
  // Closures whose background move could not start (Temporal was unreachable) are started now (ADR 0024).
  void services.directory
    .resumeClosures()
    .catch((err: unknown) => deps.logger.warn({ err }, 'agency closures not started could not be resumed'));
  app.use(mountRoutes(apiRoutes(), services));
  app.use(docsRouter());
  if (deps.consoleDir) app.use(consoleRouter(deps.consoleDir));
  app.use(notFoundRoute);
  app.use(problemMiddleware);
  return app;
}

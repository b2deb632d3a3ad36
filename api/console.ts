/**
 * Serves the web console (a single-page app built into console/dist, ADR 0033) at `/`, after every API route:
 * hashed files under /assets are cached for a year (immutable), index.html is revalidated on each visit, and
 * every other GET that asks for HTML is answered with index.html (the app's own routes). Never for the API's
 * paths: /v1, /docs, /openapi.json, /healthz, /readyz and /metrics keep their own answers (or 404 problem+json).
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/** The API's own paths: the console's fallback never answers under them. */
const API_PATHS = /^\/(v1|docs|openapi\.json|healthz|readyz|metrics)(\/|$)/;

/** Only this origin: scripts, styles, images, fonts and API calls (no inline script, no third party). */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

export function consoleRouter(dir: string): Router {
  const router = express.Router();
  const indexFile = path.join(dir, 'index.html');
  let html: string | undefined;
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      index: false,
      fallthrough: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => securityHeaders(res as Response),
    }),
  );
  router.use(
    express.static(dir, {
      index: false,
      setHeaders: (res) => {
        securityHeaders(res as Response);
        res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  router.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (API_PATHS.test(req.path) || !req.accepts('html')) return next();
    // Read once (the build happens before the API starts; a missing build is looked for again next time).
    if (html === undefined) {
      try {
        html = fs.readFileSync(indexFile, 'utf8');
      } catch {
        return next();
      }
    }
    securityHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  });
  return router;
}

/**
 * Serves the web console (a single-page app built into console/dist, ADR 0033) at `/`, after every API route:
 * hashed files under /assets are cached for a year (immutable), index.html is revalidated on each visit, and
 * every other GET that asks for HTML is answered with index.html (the app's own routes). Never for the API's
 * paths: /v1, /docs, /openapi.json, /healthz, /readyz and /metrics keep their own answers (or 404 problem+json).
 * Assets go out brotli- or gzip-compressed when the browser accepts it (copies made at build time), and the HTML
 * of a screen's path names that screen's chunks as `<link rel="modulepreload">` (route-preloads.json, written by
 * the build): the browser fetches the page's code alongside the entry's instead of after it ran (ADR 0033).
 */
import { createHash } from 'node:crypto';
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

/**
 * The policy of a console page: CONSOLE_CSP with the sha256 of each inline script of its HTML added to
 * `script-src` — the build writes exactly one, the first API requests (`console/src/early.ts`, ADR 0033 amendment
 * 5); anything else inline stays refused.
 */
export function pageCsp(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`,
  );
  return hashes.length
    ? CONSOLE_CSP.replace("script-src 'self'", `script-src 'self' ${hashes.join(' ')}`)
    : CONSOLE_CSP;
}

function securityHeaders(res: Response, csp = CONSOLE_CSP): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

interface RoutePreload {
  path: string;
  js: string[];
  css: string[];
}

/** `tasks/:id` → a matcher of `/tasks/<one segment>` (an optional trailing slash). */
function routeMatcher(route: string): RegExp {
  const parts = route.split('/').map((p) => (p.startsWith(':') ? '[^/]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^/${parts.join('/')}/?$`);
}

/** The `<link>` tags of the screen a path opens ('' for none); `/` opens the inbox (the index route). */
export function preloadLinks(routes: readonly RoutePreload[], urlPath: string): string {
  const p = urlPath === '/' ? '/inbox' : urlPath;
  const r = routes.find((x) => routeMatcher(x.path).test(p));
  if (!r) return '';
  const safe = (f: string) => /^\/assets\/[\w.-]+$/.test(f);
  return [
    ...r.js.filter(safe).map((f) => `<link rel="modulepreload" crossorigin href="${f}">`),
    ...r.css.filter(safe).map((f) => `<link rel="preload" as="style" crossorigin href="${f}">`),
  ].join('');
}

/** Sends the build's brotli or gzip copy of an asset when the browser accepts one and it exists. */
function precompressed(dir: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !/^\/[\w.-]+\.(js|css|svg|json)$/.test(req.path))
      return next();
    const enc = req.acceptsEncodings('br', 'gzip');
    if (enc !== 'br' && enc !== 'gzip') return next();
    const file = path.join(dir, `${req.path.slice(1)}.${enc === 'br' ? 'br' : 'gz'}`);
    if (!fs.existsSync(file)) return next();
    securityHeaders(res);
    res.setHeader('Content-Encoding', enc);
    res.setHeader('Vary', 'Accept-Encoding');
    res.type(path.extname(req.path));
    res.sendFile(file, { maxAge: '365d', immutable: true }, (err) => err && next(err));
  };
}

export function consoleRouter(dir: string): Router {
  const router = express.Router();
  const indexFile = path.join(dir, 'index.html');
  let html: string | undefined;
  let csp = CONSOLE_CSP;
  let routes: RoutePreload[] = [];
  const pages = new Map<string, string>();
  router.use('/assets', precompressed(path.join(dir, 'assets')));
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      index: false,
      fallthrough: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => {
        securityHeaders(res as Response);
        res.setHeader('Vary', 'Accept-Encoding');
      },
    }),
  );
  router.use(
    express.static(dir, {
      index: false,
      setHeaders: (res, file) => {
        securityHeaders(res as Response, file === indexFile ? pageCsp(fs.readFileSync(file, 'utf8')) : CONSOLE_CSP);
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
      csp = pageCsp(html);
      try {
        routes = JSON.parse(fs.readFileSync(path.join(dir, 'route-preloads.json'), 'utf8')) as RoutePreload[];
      } catch {
        routes = []; // an older build without the map: no preloads
      }
      pages.clear();
    }
    let page = pages.get(req.path);
    if (page === undefined) {
      const links = preloadLinks(routes, req.path);
      page = links ? html.replace('</head>', `${links}</head>`) : html;
      if (pages.size < 1000) pages.set(req.path, page);
    }
    securityHeaders(res, csp);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
  return router;
}

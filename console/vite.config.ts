// The web console (ADR 0033): built into console/dist by `npm start` / the test setup (platform/console-build.ts)
// and served by the API process at `/`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));

/** What one screen needs besides the entry: its chunk and the chunks it imports, and their stylesheets. */
export interface RoutePreload {
  path: string;
  js: string[];
  css: string[];
}

/**
 * Writes `route-preloads.json`: for each path of `src/routes.tsx`, the files of its page's chunk (ADR 0033
 * amendment 4). The API puts them in the HTML it answers for that path as `<link rel="modulepreload">`, so the
 * page's code downloads with the entry instead of after it has run.
 */
function routePreloads(): Plugin {
  return {
    name: 'kntc-route-preloads',
    apply: 'build',
    generateBundle(_options, bundle) {
      const routes = fs.readFileSync(path.join(here, 'src', 'routes.tsx'), 'utf8');
      const pages = [...routes.matchAll(/path: '([^']+)',\s*lazy: \(\) => import\('\.\/pages\/(\w+)\.js'\)/g)];
      const chunks = Object.values(bundle).filter((b) => b.type === 'chunk');
      const entry = new Set<string>();
      const walk = (file: string, into: Set<string>) => {
        if (into.has(file)) return;
        into.add(file);
        const c = chunks.find((x) => x.fileName === file);
        for (const i of c?.imports ?? []) walk(i, into);
      };
      for (const c of chunks.filter((x) => x.isEntry)) walk(c.fileName, entry);
      const out: RoutePreload[] = [];
      for (const [, route, page] of pages) {
        const chunk = chunks.find((x) => x.facadeModuleId?.endsWith(`/src/pages/${page}.tsx`));
        if (!chunk) continue;
        const files = new Set<string>();
        walk(chunk.fileName, files);
        const js = [...files].filter((f) => !entry.has(f));
        const css = js.flatMap((f) => [...(chunks.find((x) => x.fileName === f)?.viteMetadata?.importedCss ?? [])]);
        out.push({ path: route!, js: js.map((f) => `/${f}`), css: css.map((f) => `/${f}`) });
      }
      this.emitFile({ type: 'asset', fileName: 'route-preloads.json', source: JSON.stringify(out, null, 1) });
    },
  };
}

/**
 * `src/early.ts` is an entry of its own, and its code is also written into the head of index.html as an inline
 * script (ADR 0033 amendment 5): it starts the screen's first requests while the HTML is parsed, before any script
 * file has arrived (as a file, `async` from the head, it ran 100–450 ms after navigation on the loaded benchmark
 * machine: its own round trip behind the others). The API allows that one script by its sha256 in the page's
 * Content-Security-Policy (`api/console.ts`); no other inline script. The application imports the same module for
 * `takeEarly` (the requests start once: a flag on `globalThis`). Should the chunk ever import anything, it is
 * loaded as a file instead.
 */
function earlyEntry(): Plugin {
  return {
    name: 'kntc-early-entry',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const early = Object.values(ctx.bundle ?? {}).find(
          (b) => b.type === 'chunk' && b.isEntry && b.name === 'early',
        );
        if (!early || early.type !== 'chunk') return [];
        const body = early.code.replace(/export\s*\{[^}]*\};?\s*$/, '');
        const inline = early.imports.length === 0 && !/\bexport\b|\bimport\b|<\/script/i.test(body);
        // After the <meta>s and the title, before the stylesheet (an inline script waits for the stylesheets above it).
        if (inline && html.includes('</title>'))
          return html.replace('</title>', `</title>\n    <script>(()=>{${body.trim()}})();</script>`);
        return [
          {
            tag: 'script',
            attrs: { type: 'module', async: true, crossorigin: true, src: `/${early.fileName}` },
            injectTo: 'head-prepend',
          },
        ];
      },
    },
  };
}

/**
 * Checks that `src/mantine.css` imports the stylesheet of every Mantine component the bundle contains (ADR 0033
 * amendment 5): it lists the components used, not Mantine's whole stylesheet, so a component added to a page
 * without its file would render unstyled — the build fails instead, naming the file to add.
 */
function mantineStyles(): Plugin {
  return {
    name: 'kntc-mantine-styles',
    apply: 'build',
    generateBundle(_options, bundle) {
      const css = fs.readFileSync(path.join(here, 'src', 'mantine.css'), 'utf8');
      const listed = new Set([...css.matchAll(/@import '@mantine\/core\/styles\/(\w+)\.css'/g)].map((m) => m[1]));
      const used = new Set<string>();
      for (const b of Object.values(bundle))
        if (b.type === 'chunk')
          for (const id of Object.keys(b.modules)) {
            const m = /@mantine\/core\/esm\/components\/(?:[^/]+\/)*(\w+)\.module\.mjs$/.exec(id);
            if (m) used.add(m[1]!);
          }
      const missing = [...used].filter((c) => !listed.has(c)).sort();
      if (missing.length)
        this.error(
          `console/src/mantine.css lacks the stylesheet of ${missing.join(', ')}: add ` +
            missing.map((c) => `@import '@mantine/core/styles/${c}.css';`).join(' '),
        );
    },
  };
}

/**
 * Stores a gzip and a brotli copy next to each JavaScript, CSS, SVG and JSON file of the build: the API sends
 * the one the browser accepts (`api/console.ts`) without compressing on each request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'kntc-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      const dir = path.join(outDir, 'assets');
      for (const f of fs.readdirSync(dir)) {
        if (!/\.(js|css|svg|json)$/.test(f)) continue;
        const body = fs.readFileSync(path.join(dir, f));
        fs.writeFileSync(path.join(dir, `${f}.gz`), gzipSync(body, { level: 9 }));
        fs.writeFileSync(
          path.join(dir, `${f}.br`),
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), earlyEntry(), routePreloads(), mantineStyles(), precompress()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // No inline <script>/modulepreload polyfill snippets: the CSP allows scripts from this origin only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { index: path.join(here, 'index.html'), early: path.join(here, 'src', 'early.ts') } },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});

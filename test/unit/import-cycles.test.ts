/**
 * No import circle among the project's own modules (issue 12): every `import`/`export … from` between
 * source files — type-only ones included, since a circle of types is a circle of design — forms a graph
 * without cycles. Test files are left out (they import the code, nothing imports them).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../platform/config.js';

const SOURCE_DIRS = [
  'activities',
  'api',
  'bench',
  'calendar',
  'clients',
  'db',
  'platform',
  'processes',
  'scripts',
  'workflows',
];
const SOURCE_FILES = ['worker.ts'];

/** Pairs allowed, each with its reason (none: the runner ↔ behaviours circle is gone, ADR 0021). */
const EXEMPT: ReadonlyArray<readonly [string, string]> = [];

function sources(): string[] {
  const out: string[] = [...SOURCE_FILES];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.(ts|mts)$/.test(name) && !/\.(test|d)\.ts$/.test(name)) out.push(rel);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(path.join(ROOT, d))) walk(d);
  return out.sort();
}

/** The project files a module imports (relative specifiers resolved as TypeScript's Bundler resolution does). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [
    ...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ]
    .map((m) => m[1] ?? m[2]!)
    .filter((s) => s.startsWith('.'));
  const out = new Set<string>();
  for (const s of specs) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.(js|mjs)$/, '');
    const hit = [`${base}.ts`, `${base}.mts`, `${base}/index.ts`].find((c) => known.has(c));
    if (hit) out.add(hit);
  }
  return [...out];
}

/** Strongly connected components with more than one file (or a file importing itself): the import circles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

function projectGraph(exempt: ReadonlyArray<readonly [string, string]>): Map<string, string[]> {
  const files = sources();
  const known = new Set(files);
  const skip = (a: string, b: string) => exempt.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  return new Map(files.map((f) => [f, importsOf(f, known).filter((t) => !skip(f, t))]));
}

describe('import graph of the project', () => {
  it('reads the imports it should (a known chain resolves)', () => {
    const g = projectGraph([]);
    expect(g.size).toBeGreaterThan(100);
    expect(g.get('scripts/start.ts')).toContain('scripts/system.ts');
    expect(g.get('scripts/system.ts')).toEqual(expect.arrayContaining(['worker.ts', 'api/app.ts']));
    expect(g.get('workflows/clock/clock.ts')).toContain('workflows/clock/vn-time.ts'); // extensionless specifiers
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('has no import circle', () => {
    expect(cycles(projectGraph(EXEMPT))).toEqual([]);
  });

  it('worker.ts (the library) does not import its entry script', () => {
    expect(
      projectGraph([])
        .get('worker.ts')!
        .filter((f) => f.startsWith('scripts/')),
    ).toEqual([]);
  });
});

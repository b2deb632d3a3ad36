/**
 * No import circle in the workflow code (issue 12): every module under workflows/ — and whatever
 * it imports from the rest of the repository — is checked, type-only imports included (a type
 * import binds two modules as much as a value import: behaviours.ts ↔ runner.ts was one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../platform/config.js';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** The repository files a module imports (relative specifiers; `.js` written for `.ts`). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), spec);
    const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
    const hit = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (hit) out.push(hit);
  }
  return out;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every import cycle reachable from `roots`, each as its files relative to the repository. */
export function importCycles(roots: string[]): string[][] {
  const graph = new Map<string, string[]>();
  const pending = [...roots];
  while (pending.length > 0) {
    const f = pending.pop()!;
    if (graph.has(f)) continue;
    const deps = importsOf(f);
    graph.set(f, deps);
    pending.push(...deps);
  }
  // Tarjan's strongly connected components: a component of more than one file is a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index += 1;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) !== idx.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); scc.push(path.relative(ROOT, w)); } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

describe('import cycles', () => {
  it('the workflow code (workflows/** and what it imports) has none', () => {
    expect(importCycles(sources(path.join(ROOT, 'workflows')))).toEqual([]);
  });

  it('the check finds a cycle (behaviours.ts ↔ runner.ts, as it was)', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.cycle-probe-'));
    try {
      fs.writeFileSync(path.join(dir, 'runner.ts'), "import { BEHAVIOURS } from './behaviours.js';\nexport class Runner { b = BEHAVIOURS; }\n");
      fs.writeFileSync(path.join(dir, 'behaviours.ts'), "import type { Runner } from './runner.js';\nexport const BEHAVIOURS: Runner[] = [];\n");
      expect(importCycles([path.join(dir, 'runner.ts')])).toEqual([[path.relative(ROOT, path.join(dir, 'behaviours.ts')), path.relative(ROOT, path.join(dir, 'runner.ts'))]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

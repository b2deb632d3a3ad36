/**
 * ADR 0022: route handlers are thin — storage lives in `db/` stores, logic over several stores in
 * `api/services/`. No file under `api/routes/` (nor the routing layer) imports knex or builds a query:
 * new modules follow the store / service / handler pattern.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** What storage work looks like in a source file. */
const RULES: Array<{ name: string; re: RegExp }> = [
  { name: 'imports knex', re: /from\s+['"]knex['"]|import\(\s*['"]knex['"]\s*\)/ },
  { name: 'imports the knex handle (db/knex.ts)', re: /from\s+['"][./]*db\/knex\.js['"]/ },
  { name: 'runs raw SQL', re: /\.raw\s*[<(]/ },
  { name: 'opens a transaction', re: /\.transaction\s*[<(]/ },
  { name: 'calls the query builder on a table', re: /\b(?:db|trx|knex|deps\.db)\s*(?:<[^>()]*>)?\s*\(\s*['"`]/ },
  {
    name: 'holds SQL text',
    re: /\b(?:SELECT\s+(?:\*|[a-z_]+\s*[,.]|[a-z_]+\s+FROM)|INSERT\s+INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM|WITH\s+RECURSIVE)\b/,
  },
];

function violations(text: string): string[] {
  return RULES.filter((r) => r.re.test(text)).map((r) => r.name);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('routes hold no SQL (ADR 0022)', () => {
  it('the rules catch storage work', () => {
    const samples = [
      "import type { Knex } from 'knex';",
      "import type { Db } from '../../db/knex.js';",
      "await services.deps.db.raw('select 1');",
      'await db.raw<{ rows: X[] }>(`SELECT 1`);',
      'await services.deps.db.transaction(async (trx) => {});',
      "await services.deps.db('agencies').whereIn('id', ids);",
      "const row = await trx('cases').where({ id }).first();",
      "await db<CaseRow>('cases').first();",
      '`SELECT id FROM cases WHERE id = ?`',
      "'INSERT INTO parties (id) VALUES (?)'",
      '`UPDATE calendar_changes SET status = ?`',
      '`WITH RECURSIVE tree (id) AS (…)`',
    ];
    for (const s of samples) expect(violations(s), s).not.toEqual([]);
    // Ordinary handler code passes.
    for (const s of [
      'await services.caseSearch.search({ agencies })',
      "description: 'Select the cases of an agency'",
      'const rows = await services.agencyRecords.list(subtree);',
    ]) {
      expect(violations(s), s).toEqual([]);
    }
  });

  it('no file under api/routes/ or api/routing/ imports knex or builds a query', () => {
    const files = [...tsFiles(join(ROOT, 'api', 'routes')), ...tsFiles(join(ROOT, 'api', 'routing'))];
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => violations(readFileSync(f, 'utf8')).map((v) => `${relative(ROOT, f)}: ${v}`));
    expect(found).toEqual([]);
  });
});

/** The facts lock a writer takes (db/case-facts-lock.ts) is the one the case_facts triggers take (the migration's). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_FACTS_LOCK_CLASS } from '../../db/case-facts-lock.js';

describe('case facts lock', () => {
  it('has the class of the trigger function in migration 20261205050000', () => {
    const sql = readFileSync(new URL('../../db/migrations/20261205050000_case_facts.ts', import.meta.url), 'utf8');
    expect(sql).toContain(`pg_advisory_xact_lock(${CASE_FACTS_LOCK_CLASS}, hashtext(id))`);
  });
});

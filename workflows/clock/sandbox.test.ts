import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The clock runs inside the Temporal workflow sandbox: its non-test files may import only
// luxon and each other (no Node builtins, no process.env, no host-zone Date parsing).
const dir = new URL('.', import.meta.url).pathname;
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('workflow sandbox discipline', () => {
  it.each(sources)('%s imports only luxon and sibling files', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const specifiers = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    for (const s of specifiers) expect(s === 'luxon' || /^\.\/[\w-]+$/.test(s ?? '')).toBe(true);
    expect(text).not.toMatch(/\bprocess\.|new Date\(|Date\.now\(|Math\.random\(/);
  });
});

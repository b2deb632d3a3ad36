/**
 * Issue 10 / issue 13: the committed client types (clients/typescript/schema.d.ts) are those of the
 * current routes. Regenerated in memory from the same OpenAPI document /openapi.json serves; a route
 * changed without `npm run client:generate` fails here.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCHEMA_FILE, generateClientSchema } from '../../scripts/generate-client.js';

describe('the generated TypeScript client', () => {
  it('clients/typescript/schema.d.ts is what the current routes generate', async () => {
    const fresh = await generateClientSchema();
    const committed = fs.existsSync(CLIENT_SCHEMA_FILE)
      ? fs.readFileSync(CLIENT_SCHEMA_FILE, 'utf8').replace(/\r\n/g, '\n')
      : ''; // a CRLF checkout is not drift
    const stale = 'clients/typescript/schema.d.ts is stale: run `npm run client:generate` and commit it';
    if (committed !== fresh) {
      // The first differing line, so the failure says where.
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const i = b.findIndex((line, n) => a[n] !== line);
      const at = i < 0 ? a.length : i;
      expect.fail(
        `${stale} (first difference at line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')}, generated ${JSON.stringify(b[at] ?? '<end>')})`,
      );
    }
    expect(committed).toBe(fresh);
    // It types the routes clients use, with problem+json errors.
    expect(fresh).toContain('"/v1/cases/{id}"');
    expect(fresh).toContain('"/v1/tasks/{id}/complete"');
    expect(fresh).toContain('"application/problem+json": components["schemas"]["Problem"]');
  });
});

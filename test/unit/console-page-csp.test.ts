import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, pageCsp } from '../../api/console.js';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

describe("the console page's Content-Security-Policy (ADR 0033 amendment 5)", () => {
  it('allows exactly the inline scripts of the page, by hash, and nothing else inline', () => {
    const code = '(()=>{fetch(`/v1/tasks?status=open&limit=200`)})();';
    const html = `<head><title>x</title>\n<script>${code}</script><script type="module" src="/assets/index.js"></script></head>`;
    const csp = pageCsp(html);
    expect(csp).toContain(`script-src 'self' ${sha(code)};`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp.replace(` ${sha(code)}`, '')).toBe(CONSOLE_CSP);
  });

  it('is the console policy unchanged for a page without inline script', () => {
    expect(pageCsp('<head><script type="module" crossorigin src="/assets/index.js"></script></head>')).toBe(
      CONSOLE_CSP,
    );
  });
});

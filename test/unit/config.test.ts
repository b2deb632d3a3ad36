import { describe, expect, it } from 'vitest';
import { requestHash } from '../../api/idempotency.js';
import { canonicalJson } from '../../workflows/engine/canonical-json.js';
import { caseReference } from '../../api/routes/cases.js';
import { loadConfig } from '../../platform/config.js';

describe('configuration', () => {
  it('defaults to the embedded one-command setup', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      temporal: { address: undefined, namespace: 'default', devPort: 7233, uiPort: 8233, taskQueue: 'kntc-cases' },
      database: { url: undefined },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('reads every override', () => {
    const c = loadConfig({
      PORT: '8080',
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_NAMESPACE: 'kntc',
      TEMPORAL_TLS: 'true',
      TEMPORAL_API_KEY: 'k',
      DATABASE_URL: 'postgres://u@h/db',
      PG_PORT: '6000',
    });
    expect(c).toMatchObject({
      port: 8080,
      temporal: { address: 'temporal.example:7233', namespace: 'kntc', tls: true, apiKey: 'k' },
      database: { url: 'postgres://u@h/db', embeddedPort: 6000 },
    });
  });
  it('rejects a malformed port with a clear message', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT must be an integer/);
  });
});

describe('idempotency hashing', () => {
  it('is insensitive to key order and sensitive to values', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(requestHash('POST', '/x', { a: 1, b: 2 })).toBe(requestHash('POST', '/x', { b: 2, a: 1 }));
    expect(requestHash('POST', '/x', { a: 1 })).not.toBe(requestHash('POST', '/x', { a: 2 }));
  });
  it('keeps the fingerprints stored before ADR 0022 (one canonicalJson: request bodies are parsed JSON, without undefined)', () => {
    // Computed with api/idempotency.ts's own copy of canonicalJson before ADR 0022.
    const body = {
      type: 'denunciation',
      channel: 'portal',
      receivedAt: '2026-07-01T09:30:00+07:00',
      agencyId: 'so-tnmt',
      subject: 'Tố cáo',
      remoteArea: false,
      parties: [{ role: 'denouncer', name: 'Nguyễn Văn A', idNumber: '001203004567', isRepresentative: false }],
      attachments: [],
      n: [1, null, 2.5, 'x\u2028"'],
    };
    expect(requestHash('POST', '/v1/cases', body)).toBe(
      '32de22c8e43556aebcf3509980dd3e7c0e0471babad6f0194fca0c3dfefe595c',
    );
    expect(requestHash('POST', '/v1/tasks/:id/complete', { task: 'c.t', body: null })).toBe(
      '163fe9c0e4460e35187560ea81878f28edeb9336efe1a9fcc46e297fd8009fce',
    );
    // The one difference of the two copies: an undefined property (never in a parsed JSON body) is now left out.
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});

describe('case reference', () => {
  it('uses the type prefix and the receipt year in Vietnam time', () => {
    // 31/12/2025 18:00 UTC is already 01/01/2026 in Asia/Ho_Chi_Minh
    expect(caseReference('0b6f3b4e-1234-4000-8000-000000000001', 'denunciation', '2025-12-31T18:00:00Z')).toBe(
      'TC-2026-0B6F3B4E12',
    );
  });
});

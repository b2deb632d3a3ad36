import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedAddress, postWebhook, WebhookAddressRefused, webhookUrlProblem } from '../../platform/webhook-url.js';

const strict = { allowLocalhost: false };
const local = { allowLocalhost: true };

describe('webhook URL sanity (SSRF)', () => {
  it.each([
    ['https://portal.example.vn/hooks', null],
    ['http://10.1.2.3:8080/h', null],
    ['ftp://example.vn/h', 'only http and https URLs are allowed'],
    ['file:///etc/passwd', 'only http and https URLs are allowed'],
    ['https://user:pw@example.vn/h', 'credentials in the URL are not allowed (the signature authenticates us)'],
    ['not a url', 'not an absolute URL'],
    ['http://127.0.0.1:9/h', 'the host is a loopback address'],
    ['http://localhost/h', 'the host is a loopback address'],
    ['http://[::1]/h', 'the host is a loopback address'],
    ['http://169.254.169.254/latest/meta-data', 'the host is a link-local address'],
    ['http://0.0.0.0/h', 'the host is an unspecified address'],
  ])('%s → %s', (url, problem) => {
    expect(webhookUrlProblem(url, strict)).toBe(problem);
  });

  it('allows loopback only when configured, never link-local', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9/h', local)).toBeNull();
    expect(webhookUrlProblem('http://localhost/h', local)).toBeNull();
    expect(webhookUrlProblem('http://169.254.169.254/', local)).toMatch(/link-local/);
    expect(blockedAddress('::ffff:127.0.0.1', strict)).toMatch(/loopback/);
    expect(blockedAddress('fe80::1', local)).toMatch(/link-local/);
    expect(blockedAddress('192.168.1.10', strict)).toBeNull();
  });
});

describe('IPv6 forms carrying an IPv4 address, and unspecified addresses', () => {
  it.each([
    ['http://[::ffff:169.254.169.254]/latest/meta-data', 'the host is a link-local address'],
    ['http://[::ffff:a9fe:a9fe]/', 'the host is a link-local address'],
    ['http://[::169.254.169.254]/', 'the host is a link-local address'],
    ['http://[64:ff9b::169.254.169.254]/', 'the host is a link-local address'],
    ['http://[::ffff:127.0.0.1]/h', 'the host is a loopback address'],
    ['http://[::127.0.0.1]/h', 'the host is a loopback address'],
    ['http://[64:ff9b::7f00:1]/h', 'the host is a loopback address'],
    ['http://[::ffff:0.0.0.0]/h', 'the host is an unspecified address'],
    ['http://[::]/h', 'the host is an unspecified address'],
    ['http://0.0.0.0/h', 'the host is an unspecified address'],
    ['http://[0:0:0:0:0:0:0:1]/h', 'the host is a loopback address'],
    ['http://[fe80::1]/h', 'the host is a link-local address'],
    ['http://[ff02::1]/h', 'the host is a multicast address'],
    ['http://[::ffff:10.1.2.3]/h', null],
    ['http://[2001:db8::1]/h', null],
  ])('%s → %s', (url, problem) => {
    expect(webhookUrlProblem(url, strict)).toBe(problem);
  });

  it('judges resolved addresses the same way; loopback allowed only by policy, never metadata', () => {
    expect(blockedAddress('::ffff:a9fe:a9fe', local)).toMatch(/link-local/);
    expect(blockedAddress('64:ff9b::a9fe:a9fe', local)).toMatch(/link-local/);
    expect(blockedAddress('::7f00:1', strict)).toMatch(/loopback/);
    expect(blockedAddress('::7f00:1', local)).toBeNull();
    expect(blockedAddress('::', local)).toMatch(/unspecified/);
    expect(blockedAddress('0.0.0.0', local)).toMatch(/unspecified/);
  });
});

describe('postWebhook connects only to the address it checked (DNS rebinding)', () => {
  let server: Server;
  let port = 0;
  const got: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      got.push(req.headers['x-n'] as string);
      req.resume();
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a name that resolves to loopback or metadata at connect time, and sends nothing', async () => {
    // A public answer at check time, then the rebinding answer when the delivery dials.
    for (const address of ['127.0.0.1', '::ffff:7f00:1', '169.254.169.254']) {
      const family = address.includes(':') ? 6 : 4;
      const resolve = (_h: string, cb: (e: Error | null, a: Array<{ address: string; family: number }>) => void) =>
        cb(null, [{ address, family }]);
      await expect(
        postWebhook(`http://receiver.example.vn:${port}/h`, {
          headers: { 'x-n': 'rebound' },
          body: '{}',
          timeoutMs: 2000,
          policy: strict,
          resolve,
        }),
      ).rejects.toBeInstanceOf(WebhookAddressRefused);
    }
    expect(got).not.toContain('rebound');
  });

  it('delivers to an allowed address', async () => {
    const resolve = (_h: string, cb: (e: Error | null, a: Array<{ address: string; family: number }>) => void) =>
      cb(null, [{ address: '127.0.0.1', family: 4 }]);
    const status = await postWebhook(`http://receiver.example.vn:${port}/h`, {
      headers: { 'x-n': 'ok' },
      body: '{}',
      timeoutMs: 2000,
      policy: local,
      resolve,
    });
    expect(status).toBe(204);
    expect(got).toContain('ok');
  });
});

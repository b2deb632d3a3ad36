import { describe, expect, it } from 'vitest';
import { blockedAddress, webhookUrlProblem } from '../../platform/webhook-url.js';

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

/**
 * SSRF sanity for webhook URLs (ADR 0026): only http(s), no credentials in the URL, and never a
 * loopback, link-local (cloud metadata: 169.254.169.254), unspecified or multicast address — unless
 * loopback is explicitly allowed (`WEBHOOK_ALLOW_LOCALHOST`: tests, local use). Private networks are
 * allowed: a province's receivers often live there. Checked when a subscription is written (the URL
 * as given) and before every delivery (the addresses its host name resolves to then).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface UrlPolicy {
  allowLocalhost: boolean;
}

/** Why `ip` may not be called, or null. */
export function blockedAddress(ip: string, policy: UrlPolicy): string | null {
  const v4 = isIP(ip) === 4 ? ip : /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (v4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    if (a === 127) return policy.allowLocalhost ? null : 'a loopback address';
    if (a === 0) return 'an unspecified address';
    if (a === 169 && b === 254) return 'a link-local address';
    if (a >= 224) return 'a multicast or reserved address';
    return null;
  }
  const x = ip.toLowerCase();
  if (x === '::1') return policy.allowLocalhost ? null : 'a loopback address';
  if (x === '::') return 'an unspecified address';
  if (/^fe[89ab]/.test(x)) return 'a link-local address';
  if (x.startsWith('ff')) return 'a multicast address';
  return null;
}

/** Why `raw` is not an acceptable webhook URL (as written), or null. */
export function webhookUrlProblem(raw: string, policy: UrlPolicy): string | null {
  let u: URL;
  try { u = new URL(raw); } catch { return 'not an absolute URL'; }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'only http and https URLs are allowed';
  if (u.username || u.password) return 'credentials in the URL are not allowed (the signature authenticates us)';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const b = blockedAddress(host, policy);
    return b ? `the host is ${b}` : null;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return policy.allowLocalhost ? null : 'the host is a loopback address';
  return null;
}

/** Resolves the URL's host and refuses blocked addresses (a name pointing at 127.0.0.1, the metadata service). */
export async function resolvedAddressProblem(raw: string, policy: UrlPolicy): Promise<string | null> {
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  const addrs = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  for (const a of addrs) {
    const b = blockedAddress(a.address, policy);
    if (b) return `${host} resolves to ${b}`;
  }
  return null;
}

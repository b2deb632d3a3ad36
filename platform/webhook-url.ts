/**
 * SSRF sanity for webhook URLs (ADR 0026): only http(s), no credentials in the URL, and never a
 * loopback, link-local (cloud metadata: 169.254.169.254), unspecified or multicast address — unless
 * loopback is explicitly allowed (`WEBHOOK_ALLOW_LOCALHOST`: tests, local use). Private networks are
 * allowed: a province's receivers often live there. Checked when a subscription is written (the URL
 * as given), before every delivery (the addresses its host name resolves to then), and on the address
 * the delivery actually dials (`postWebhook`'s lookup: no DNS-rebinding gap between check and connect).
 *
 * IPv6 forms that carry an IPv4 address — mapped `::ffff:a.b.c.d` (Node's URL parser writes it as
 * `::ffff:a9fe:a9fe`), compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` — are judged by the IPv4 rules.
 */
import { lookup } from 'node:dns/promises';
import { lookup as lookupCb, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

export interface UrlPolicy {
  allowLocalhost: boolean;
}

const v4Rules: Array<[BlockList, string, boolean]> = [
  ['127.0.0.0/8', 'a loopback address', true],
  ['0.0.0.0/8', 'an unspecified address', false],
  ['169.254.0.0/16', 'a link-local address', false],
  ['224.0.0.0/3', 'a multicast or reserved address', false],
].map(([net, why, loop]) => {
  const b = new BlockList();
  const [addr, bits] = (net as string).split('/') as [string, string];
  b.addSubnet(addr, Number(bits), 'ipv4');
  return [b, why as string, loop as boolean];
});

/** The 8 16-bit groups of an IPv6 address (a trailing dotted quad included), or null. */
function v6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  return groups.map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv6 address carries (mapped, compatible or NAT64 64:ff9b::/96), or null. */
export function embeddedV4(ip: string): string | null {
  const g = v6Groups(ip);
  if (!g) return null;
  const [a, b, c, d, e, f, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const zero4 = a === 0 && b === 0 && c === 0 && d === 0 && e === 0;
  const mapped = zero4 && f === 0xffff;
  const compatible = zero4 && f === 0 && g6 !== 0; // not ::, ::1 (g6 = 0)
  const nat64 = a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0;
  if (!mapped && !compatible && !nat64) return null;
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.');
}

/** Why `ip` may not be called, or null. */
export function blockedAddress(ip: string, policy: UrlPolicy): string | null {
  const kind = isIP(ip);
  const v4 = kind === 4 ? ip : kind === 6 ? embeddedV4(ip) : null;
  if (v4) {
    for (const [list, why, loopback] of v4Rules) {
      if (list.check(v4, 'ipv4')) return loopback && policy.allowLocalhost ? null : why;
    }
    return null;
  }
  if (kind !== 6) return 'not an IP address';
  const g = v6Groups(ip)!;
  if (g.every((x) => x === 0)) return 'an unspecified address';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return policy.allowLocalhost ? null : 'a loopback address';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((g[0]! & 0xff00) === 0xff00) return 'a multicast address';
  return null;
}

/** Why `raw` is not an acceptable webhook URL (as written), or null. */
export function webhookUrlProblem(raw: string, policy: UrlPolicy): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'only http and https URLs are allowed';
  if (u.username || u.password) return 'credentials in the URL are not allowed (the signature authenticates us)';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const b = blockedAddress(host, policy);
    return b ? `the host is ${b}` : null;
  }
  if (host === 'localhost' || host.endsWith('.localhost'))
    return policy.allowLocalhost ? null : 'the host is a loopback address';
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

/** The delivery dialled a blocked address (its name resolved elsewhere at connect time than when checked). */
export class WebhookAddressRefused extends Error {
  readonly code = 'EWEBHOOKREFUSED';
}

type Resolver = (host: string, cb: (err: Error | null, addrs: LookupAddress[]) => void) => void;
const dnsResolver: Resolver = (host, cb) => lookupCb(host, { all: true }, cb);

/**
 * A `lookup` for `http.request` that resolves the host and refuses the connection when any address it
 * would dial is blocked: the check is on the address connected to, not on an earlier resolution.
 */
export function checkedLookup(policy: UrlPolicy, resolve: Resolver = dnsResolver) {
  return (host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void): void => {
    resolve(host, (err, addrs) => {
      if (err) return cb(err);
      for (const a of addrs) {
        const b = blockedAddress(a.address, policy);
        if (b) return cb(new WebhookAddressRefused(`${host} resolves to ${b}`));
      }
      if (addrs.length === 0) return cb(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }));
      if (opts.all) return cb(null, addrs);
      return cb(null, addrs[0]!.address, addrs[0]!.family);
    });
  };
}

/**
 * POSTs `body` to `url` (no redirects followed) and answers the status code; the connection goes only to
 * an address `checkedLookup` allowed. Fails with `WebhookAddressRefused`, a network error as `cause`
 * (its `code`), or an error named `TimeoutError` after `timeoutMs`.
 */
export function postWebhook(
  url: string,
  o: { headers: Record<string, string>; body: string; timeoutMs: number; policy: UrlPolicy; resolve?: Resolver },
): Promise<number> {
  const refused = webhookUrlProblem(url, o.policy);
  if (refused) return Promise.reject(new WebhookAddressRefused(refused));
  const u = new URL(url);
  const send = u.protocol === 'https:' ? https.request : http.request;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      u,
      {
        method: 'POST',
        headers: { ...o.headers, 'content-length': String(Buffer.byteLength(o.body)) },
        lookup: checkedLookup(o.policy, o.resolve) as never,
      },
      (res) => {
        clearTimeout(timer);
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
      o.timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      if (err instanceof WebhookAddressRefused || err.name === 'TimeoutError') reject(err);
      else reject(new Error('request failed', { cause: err }));
    });
    req.end(o.body);
  });
}

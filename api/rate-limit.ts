import { HttpProblem } from './problem.js';

/**
 * A fixed-window limiter per key (e.g. client address), in memory. Enough for one API replica and
 * for slowing PIN guessing; several replicas each keep their own window (a shared store, e.g.
 * PostgreSQL or a gateway rule, is the production answer — see ADR 0006).
 */
export function createRateLimiter(opts: { limit: number; windowMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const hits = new Map<string, { start: number; count: number }>();
  return {
    /** Counts one attempt; throws 429 once `limit` attempts were made in the current window. */
    hit(key: string): void {
      const t = now();
      let w = hits.get(key);
      if (!w || t - w.start >= opts.windowMs) {
        if (hits.size > 10_000) for (const [k, v] of hits) if (t - v.start >= opts.windowMs) hits.delete(k);
        w = { start: t, count: 0 };
        hits.set(key, w);
      }
      w.count++;
      if (w.count > opts.limit) {
        const retry = Math.ceil((w.start + opts.windowMs - t) / 1000);
        throw new HttpProblem(429, 'rate-limited', 'Too many requests', `Try again in ${retry} s`, {
          retryAfterSeconds: retry,
        });
      }
    },
  };
}

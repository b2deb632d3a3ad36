import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../api/rate-limit.js';

describe('fixed-window rate limiter', () => {
  it('allows `limit` hits per window and key, then 429 with a retry time; a new window resets', () => {
    let t = 0;
    const rl = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => t });
    for (let i = 0; i < 3; i++) rl.hit('a');
    expect(() => rl.hit('a')).toThrow(expect.objectContaining({ status: 429, extra: { retryAfterSeconds: 60 } }));
    rl.hit('b'); // other clients are unaffected
    t = 59_000;
    expect(() => rl.hit('a')).toThrow(expect.objectContaining({ extra: { retryAfterSeconds: 1 } }));
    t = 60_000;
    expect(() => rl.hit('a')).not.toThrow();
  });
});

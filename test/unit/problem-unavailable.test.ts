import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { dependencyUnavailable, problemMiddleware } from '../../api/problem.js';

/** An app whose one route fails with `err`, answered by the problem middleware. */
function failingWith(err: unknown) {
  const app = express();
  app.get('/x', () => {
    throw err;
  });
  app.use(problemMiddleware);
  return app;
}

describe('a dependency outage is a 503, not a 500', () => {
  const outages: Array<[string, unknown]> = [
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [
      'admin shutdown (57P01)',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    ['connection exception class 08', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['pool timeout', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' })],
    ['connection lost', new Error('Connection terminated unexpectedly')],
  ];
  for (const [what, err] of outages) {
    it(`${what} → 503 problem+json with Retry-After`, async () => {
      expect(dependencyUnavailable(err)).toBe(true);
      const r = await request(failingWith(err)).get('/x');
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.headers['retry-after']).toBe('5');
      expect(r.body).toMatchObject({ type: 'https://kntc-flow.vn/problems/unavailable', status: 503 });
    });
  }

  it('a query error (a bug, not an outage) stays a 500 that quotes nothing', async () => {
    const bug = Object.assign(new Error('column "x" does not exist'), { code: '42703' });
    expect(dependencyUnavailable(bug)).toBe(false);
    const r = await request(failingWith(bug)).get('/x');
    expect(r.status).toBe(500);
    expect(r.text).not.toContain('column');
  });
});

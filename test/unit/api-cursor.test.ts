import { describe, expect, it } from 'vitest';
import { splitTaskId } from '../../api/routing/mount.js';
import { Cursor, encodeCursor, NodeRef } from '../../api/schemas.js';

describe('API list helpers', () => {
  it('a cursor round-trips; anything else is refused', () => {
    const c = { k: '2026-07-01 09:30:00+00', id: '0b6f3b4e-1234-4000-8000-000000000001', t: 'accept-3' };
    expect(Cursor.parse(encodeCursor(c))).toEqual(c);
    expect(Cursor.parse(encodeCursor({ k: 'infinity', id: 'x' }))).toEqual({ k: 'infinity', id: 'x' });
    for (const bad of [
      'true',
      'null',
      '12',
      '["a"]',
      encodeCursor({ k: 'yesterday', id: 'x' }),
      Buffer.from('{"k":1}').toString('base64url'),
    ]) {
      expect(Cursor.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('element-id filters refuse JSON literals (a typo is an error, not an empty page)', () => {
    expect(NodeRef.safeParse('verify').success).toBe(true);
    expect(NodeRef.safeParse('remote.verify').success).toBe(true);
    for (const bad of ['true', 'false', 'null', '12', '-1', '{"a":1}', 'x'.repeat(101)])
      expect(NodeRef.safeParse(bad).success, bad).toBe(false);
  });

  it('task ids are <caseId>.<taskId>, split at the first dot (node ids may contain dots)', () => {
    expect(splitTaskId('0b6f3b4e-1234-4000-8000-000000000001.overdue.headReview-12')).toEqual({
      caseId: '0b6f3b4e-1234-4000-8000-000000000001',
      taskId: 'overdue.headReview-12',
    });
    expect(splitTaskId('no-dot')).toEqual({ caseId: 'no-dot', taskId: '' });
  });
});

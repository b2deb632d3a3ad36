import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  evaluateExpression,
  feelClockFunctions,
  feelSyntaxError,
} from '../../../workflows/engine/index.js';

describe('evaluateCondition', () => {
  const vars = { letterType: 'complaint', amount: 12, parties: ['a', 'b'], flags: { mass: true } };

  it.each([
    ['letterType = "complaint"', true],
    ['letterType = "denunciation"', false],
    ['amount > 10 and amount <= 12', true],
    ['count(parties) >= 2', true],
    ['flags.mass', true],
    ['not(flags.mass)', false],
    ['letterType in ["complaint", "petition"]', true],
  ])('%s -> %s', (expr, expected) => {
    expect(evaluateCondition(expr, vars)).toBe(expected);
  });

  it('unknown variables are null, so comparisons are not taken', () => {
    expect(evaluateCondition('missing > 3', vars)).toBe(false);
    expect(evaluateCondition('missing = null', vars)).toBe(true);
  });

  it('non-boolean results are not taken', () => {
    expect(evaluateCondition('amount', vars)).toBe(false);
    expect(evaluateCondition('"true"', vars)).toBe(false);
  });

  it('does not mutate the variables', () => {
    const frozen = Object.freeze({ x: 1 });
    expect(evaluateCondition('x = 1', frozen)).toBe(true);
  });
});

describe('evaluateExpression', () => {
  it('computes values over variables', () => {
    expect(evaluateExpression('priority + 1', { priority: 2 })).toBe(3);
    expect(evaluateExpression('"case-" + caseNo', { caseNo: '42' })).toBe('case-42');
    expect(evaluateExpression('{ id: caseNo, n: count(xs) }', { caseNo: '42', xs: [1, 2, 3] })).toEqual({
      id: '42',
      n: 3,
    });
  });

  it('returns JSON values: dates become ISO strings, unknown names null', () => {
    expect(evaluateExpression('date("2026-07-01") + duration("P30D")', {})).toBe('2026-07-31');
    expect(evaluateExpression('nobody', {})).toBeNull();
  });

  it('throws on syntax errors', () => {
    expect(() => evaluateExpression('1 +', {})).toThrow();
  });
});

describe('feelSyntaxError', () => {
  it('is null for valid expressions', () => {
    expect(feelSyntaxError('a > 1 and b = "x"')).toBeNull();
  });
  it.each(['a >', 'foo(', '"unterminated', '1 +* 2'])('explains %s', (expr) => {
    expect(feelSyntaxError(expr)).toEqual(expect.any(String));
  });
});

describe('feelClockFunctions', () => {
  it.each([
    ['deadline < today()', ['today']],
    ['now() > x and today () = d', ['now', 'today']],
    ['"today()" = label', []],
    ['my_today(x) or todays = 1 or ctx.now()', []],
    ['a > 1', []],
  ])('%s -> %j', (expr, expected) => {
    expect(feelClockFunctions(expr)).toEqual(expected);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../../calendar/index.js';
import { validateDefinition, type ProcessDefinition } from '../../../workflows/engine/index.js';
import { buildRunGraph, initialState, Runner } from '../../../workflows/engine/runtime/index.js';
import { validDefinition } from '../engine/random-definitions.js';
import { leaks } from './invariants.js';

const calendar = buildCalendar({ from: '2026-06-01', to: '2028-12-31' });
const T0 = Date.parse('2026-07-01T02:00:00Z');

function newRunner(def: ProcessDefinition): Runner {
  const state = initialState(def.variables, { received: '2026-07-01' });
  state.calendar = calendar;
  const r = new Runner(buildRunGraph(def), state);
  r.now = T0;
  return r;
}

/** One environment action, chosen by `pick`: complete a waiting token, send a message, or let time pass. */
function act(r: Runner, pick: number): string {
  const tokens = r.tokens;
  const options = tokens.length + 3;
  const k = pick % options;
  if (k < tokens.length) {
    const t = tokens[k]!;
    const node = r.graph.node(t.nodeId);
    if (node.type === 'userTask') {
      r.completeTask(t.taskId!, { ok: true });
      return `complete ${t.nodeId}`;
    }
    if (node.type === 'intermediateCatchEvent' && node.trigger.kind === 'timer') {
      advance(r);
      return `time for ${t.nodeId}`;
    }
    if (node.type === 'intermediateCatchEvent' && node.trigger.kind === 'message') {
      r.deliverMessage(node.trigger.messageName);
      return `message ${node.trigger.messageName}`;
    }
    r.completeToken(t.id, node.type === 'serviceTask' ? { counter: 1 } : {});
    return `done ${t.nodeId}`;
  }
  if (k === tokens.length && r.catchers('withdraw').length > 0) {
    r.deliverMessage('withdraw');
    return 'withdraw';
  }
  return advance(r) ? 'time' : 'idle';
}

/** Lets time pass until the next timer or rung. */
function advance(r: Runner): boolean {
  const next = r.nextDueMs();
  if (next === undefined) return false;
  r.now = Math.max(r.now, next);
  r.fireDue();
  return true;
}

describe('token runner on random valid definitions (fast-check)', () => {
  it('runs to completion or a waiting state and never leaks a token', () => {
    fc.assert(
      fc.property(validDefinition, fc.array(fc.nat(), { maxLength: 40 }), (input, picks) => {
        const v = validateDefinition(input);
        if (!v.ok) throw new Error(JSON.stringify(v.errors));
        const r = newRunner(v.definition);
        r.start();
        expect(leaks(r)).toEqual([]);
        const trail: string[] = [];
        // Random environment first: every intermediate state is a waiting state without leaks.
        for (const p of picks) {
          if (r.state.status === 'completed') break;
          trail.push(act(r, p));
          expect(leaks(r), trail.join(' > ')).toEqual([]);
        }
        // Then drive to the end: completing whatever waits always finishes the case.
        for (let i = 0; i < 500 && r.state.status !== 'completed'; i++) {
          trail.push(act(r, 0));
          expect(leaks(r), trail.join(' > ')).toEqual([]);
        }
        expect(r.state.status, trail.join(' > ')).toBe('completed');
        expect(r.state.outcome).toBeDefined();
      }),
      { numRuns: 400 },
    );
  });
});

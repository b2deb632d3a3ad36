/**
 * The runner's lookups (`buildRunGraph`), the exclusive-gateway decision and the escalation scope
 * model, tested on the code the workflow runs (`workflows/engine/runtime/`): the graph the runner
 * builds, the gateway behaviour in `behaviours.ts` and `Runner.throwEscalation`.
 */
import { describe, expect, it } from 'vitest';
import {
  validateDefinition,
  type ProcessDefinition,
  type ProcessDefinitionInput,
} from '../../../workflows/engine/index.js';
import { buildRunGraph, initialState, Runner } from '../../../workflows/engine/runtime/index.js';
import { everyElement } from '../../../processes/examples/index.js';
import { end, flow, graph, linear, loopWithExit, start, task } from '../engine/fixtures.js';

function valid(input: unknown): ProcessDefinition {
  const result = validateDefinition(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);

function run(def: ProcessDefinitionInput, variables: Record<string, unknown> = {}): Runner {
  const d = valid(def);
  const r = new Runner(buildRunGraph(d), initialState({ ...d.variables, ...(variables as Record<string, never>) }, {}));
  r.now = Date.parse('2026-07-01T00:00:00Z');
  r.start();
  return r;
}

describe('buildRunGraph', () => {
  const g = buildRunGraph(valid(everyElement));

  it('finds the start event, escalation handlers, flows and boundaries (definition order)', () => {
    expect(g.noneStart.id).toBe('start');
    expect(ids(g.escalationStarts)).toEqual(['onOverdue']);
    expect(ids(g.outgoing('classify'))).toEqual(['toFork', 'toReject']);
    expect(ids(g.incoming('join'))).toEqual(['f_verified', 'f_supplemented']);
    expect(ids(g.boundaries('verify'))).toEqual(['verifyOverdue', 'withdrawn']);
    expect(g.boundaries('classify')).toEqual([]);
    expect(g.outgoing('nope')).toEqual([]);
    expect(g.node('verify').type).toBe('userTask');
    expect(g.flow('toFork').condition).toBe('letterType = "complaint"');
  });

  it('refuses an unvalidated definition without a start event', () => {
    const def = valid(linear());
    expect(() => buildRunGraph({ ...def, nodes: def.nodes.filter((n) => n.type !== 'startEvent') })).toThrow(
      /no none start event/,
    );
  });
});

describe('exclusive gateway (conditions in flow order, the default flow last)', () => {
  /** start -> x; x -> endA (`n > 10`), endB (`n > 0`), endC (default, listed first). */
  const ladder = graph(
    [start, { type: 'exclusiveGateway', id: 'x', default: 'd' }, end('a', 'a'), end('b', 'b'), end('c', 'c')],
    [flow('f', 'start', 'x'), flow('d', 'x', 'c'), flow('big', 'x', 'a', 'n > 10'), flow('pos', 'x', 'b', 'n > 0')],
  );

  it.each([
    [50, 'a'],
    [5, 'b'],
    [-1, 'c'],
  ])(
    'n = %j takes the first true condition, else the default (outcome %s); the other ends are never reached',
    (n, outcome) => {
      const r = run({ ...ladder, variables: { n: 0 } }, { n });
      expect(r.state).toMatchObject({ status: 'completed', outcome, outcomes: [outcome] });
    },
  );

  /** The every-element classify gateway: `letterType = "complaint"` to the fork, else the default `toReject`. */
  const classify = graph(
    [
      start,
      { type: 'exclusiveGateway', id: 'classify', default: 'toReject' },
      end('fork', 'complaint'),
      end('reject', 'rejected'),
    ],
    [
      flow('f', 'start', 'classify'),
      flow('toFork', 'classify', 'fork', 'letterType = "complaint"'),
      flow('toReject', 'classify', 'reject'),
    ],
  );

  it.each([
    [{ letterType: 'complaint' }, 'complaint'],
    [{ letterType: 'petition' }, 'rejected'],
    [{}, 'rejected'],
    [{ letterType: null }, 'rejected'],
  ])('%j -> %s', (vars, outcome) => {
    expect(run(classify, vars).state).toMatchObject({ status: 'completed', outcome });
  });

  it('passes a merge gateway through its single flow, and loops until the exit condition holds', () => {
    const r = run(loopWithExit(), { needsMore: true });
    expect(r.tokens.map((t) => t.nodeId)).toEqual(['work']);
    r.completeTask(r.state.tasks.find((t) => t.status === 'open')!.id, {});
    expect(r.tokens.map((t) => t.nodeId)).toEqual(['work']);
    expect(r.state.tasks.filter((t) => t.status === 'completed')).toHaveLength(1);
    r.state.variables.needsMore = false;
    r.completeTask(r.state.tasks.find((t) => t.status === 'open')!.id, {});
    expect(r.state).toMatchObject({ status: 'completed', outcome: 'done' });
  });
});

describe('escalations (scope model: the host activity’s boundary, else a process-level handler, else the parent case)', () => {
  const escalation = (code?: string) => ({
    kind: 'escalation' as const,
    ...(code === undefined ? {} : { escalationCode: code }),
  });
  /** start -> a (user task) -> end, with the given boundaries on `a` and process-level handlers. */
  function scoped(
    boundaries: { id: string; code?: string }[],
    handlers: { id: string; code?: string }[],
  ): ProcessDefinitionInput {
    return graph(
      [
        start,
        task('a'),
        end(),
        ...boundaries.flatMap((b) => [
          { type: 'boundaryEvent', id: b.id, attachedTo: 'a', interrupting: false, trigger: escalation(b.code) },
          task(`${b.id}Work`),
        ]),
        ...handlers.flatMap((h) => [
          { type: 'startEvent', id: h.id, trigger: escalation(h.code) },
          task(`${h.id}Work`),
        ]),
      ],
      [
        flow('f1', 'start', 'a'),
        flow('f2', 'a', 'end'),
        ...boundaries.flatMap((b) => [flow(`${b.id}F`, b.id, `${b.id}Work`), flow(`${b.id}E`, `${b.id}Work`, 'end')]),
        ...handlers.flatMap((h) => [flow(`${h.id}F`, h.id, `${h.id}Work`), flow(`${h.id}E`, `${h.id}Work`, 'end')]),
      ],
    );
  }
  /**
   * Raises `code` in the scope of the `a` task (as a breach or a linked case does), or at process level;
   * then lets the runner take the queued work, as the workflow's next step does. Returns the outcome
   * and the elements holding tokens after it.
   */
  function raise(def: ProcessDefinitionInput, code: string, inScope = true) {
    const r = run(def);
    const host = r.tokens.find((t) => t.nodeId === 'a')!;
    const result = r.throwEscalation(code, inScope ? host.id : undefined, 'a');
    r.deliverMessage('nothing-waits-for-this');
    return {
      result,
      at: r.tokens
        .map((t) => t.nodeId)
        .filter((n) => n !== 'a')
        .sort(),
      uncaught: r.uncaught,
    };
  }

  it('an activity boundary with the matching code catches first (before a process-level handler)', () => {
    const def = scoped([{ id: 'late', code: 'overdue' }], [{ id: 'onOverdue', code: 'overdue' }]);
    expect(raise(def, 'overdue')).toEqual({ result: 'caught', at: ['lateWork'], uncaught: [] });
  });

  it('a catch-all boundary catches any code raised in its activity', () => {
    expect(raise(scoped([{ id: 'any' }], []), 'anything')).toMatchObject({ result: 'caught', at: ['anyWork'] });
  });

  it('without a catching boundary on the activity, the process-level handler catches; so it does at process level', () => {
    const def = scoped([{ id: 'other', code: 'other' }], [{ id: 'onOverdue', code: 'overdue' }]);
    expect(raise(def, 'overdue')).toMatchObject({ result: 'caught', at: ['onOverdueWork'] });
    expect(raise(def, 'overdue', false)).toMatchObject({ result: 'caught', at: ['onOverdueWork'] });
  });

  it('an uncaught escalation propagates to the parent case', () => {
    const def = scoped([{ id: 'late', code: 'overdue' }], []);
    expect(raise(def, 'other')).toEqual({ result: 'uncaught', at: [], uncaught: [{ code: 'other', nodeId: 'a' }] });
    expect(raise(linearWithTaskA(), 'overdue')).toMatchObject({
      result: 'uncaught',
      uncaught: [{ code: 'overdue', nodeId: 'a' }],
    });
  });

  it('a handler for the code and a catch-all handler: each code reaches its own', () => {
    const def = scoped([], [{ id: 'late', code: 'late' }, { id: 'all' }]);
    expect(raise(def, 'late')).toMatchObject({ result: 'caught', at: ['lateWork'] });
    expect(raise(def, 'other')).toMatchObject({ result: 'caught', at: ['allWork'] });
  });

  it('an intermediate throw event raises at process level: the handler catches it and the flow goes on', () => {
    const def = graph(
      [
        start,
        { type: 'intermediateThrowEvent', id: 'raise', trigger: escalation('overdue') },
        task('a'),
        end(),
        { type: 'startEvent', id: 'onOverdue', trigger: { ...escalation('overdue'), interrupting: false } },
        task('review'),
      ],
      [
        flow('f1', 'start', 'raise'),
        flow('f2', 'raise', 'a'),
        flow('f3', 'a', 'end'),
        flow('h1', 'onOverdue', 'review'),
        flow('h2', 'review', 'end'),
      ],
    );
    const r = run(def);
    expect(r.tokens.map((t) => t.nodeId).sort()).toEqual(['a', 'review']);
    expect(r.uncaught).toEqual([]);
    const uncaught = run(
      graph(
        [start, { type: 'intermediateThrowEvent', id: 'raise', trigger: escalation('x') }, task('a'), end()],
        [flow('f1', 'start', 'raise'), flow('f2', 'raise', 'a'), flow('f3', 'a', 'end')],
      ),
    );
    expect(uncaught.uncaught).toEqual([{ code: 'x', nodeId: 'raise' }]);
    expect(uncaught.tokens.map((t) => t.nodeId)).toEqual(['a']);
  });

  function linearWithTaskA(): ProcessDefinitionInput {
    return graph([start, task('a'), end()], [flow('f1', 'start', 'a'), flow('f2', 'a', 'end')]);
  }
});

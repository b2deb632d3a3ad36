/**
 * fast-check arbitraries of random VALID definitions: series-parallel block trees (sequences,
 * exclusive choices with a default, parallel fork/join) of every element kind, with random
 * boundary events and escalation handlers, compiled to nodes + flows.
 */
import fc from 'fast-check';
import type { ProcessDefinitionInput } from '../../../workflows/engine/index.js';

type Leaf = {
  k: 'leaf';
  kind: 'user' | 'service' | 'call' | 'timer' | 'clock' | 'message' | 'throw';
  boundary: 'timer' | 'message' | 'escalation' | null;
  interrupting: boolean;
};
type Block = Leaf | { k: 'seq' | 'xor' | 'and'; items: Block[] };

const leaf: fc.Arbitrary<Leaf> = fc.record({
  k: fc.constant('leaf' as const),
  kind: fc.constantFrom('user', 'service', 'call', 'timer', 'clock', 'message', 'throw'),
  boundary: fc.constantFrom('timer', 'message', 'escalation', null),
  interrupting: fc.boolean(),
});

const { block } = fc.letrec<{ block: Block; composite: Block }>((tie) => ({
  block: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('composite')),
  composite: fc.record({
    k: fc.constantFrom('seq' as const, 'xor' as const, 'and' as const),
    items: fc.array(tie('block'), { minLength: 2, maxLength: 3 }),
  }),
}));

class Compiler {
  nodes: Record<string, unknown>[] = [];
  flows: Record<string, unknown>[] = [];
  private n = 0;
  private next(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  flow(source: string, target: string, condition?: string): string {
    const id = this.next('f');
    this.flows.push(condition === undefined ? { id, source, target } : { id, source, target, condition });
    return id;
  }

  private end(): string {
    const id = this.next('end');
    this.nodes.push({ type: 'endEvent', id, outcome: `outcome_${id}` });
    return id;
  }

  private leaf(l: Leaf): [string, string] {
    const id = this.next(l.kind);
    const roles = ['officer'];
    const node: Record<string, unknown> = {
      user: {
        type: 'userTask',
        id,
        name: `Task ${id}`,
        candidateRoles: roles,
        agencyScope: 'resolving',
        form: { fields: [{ name: 'ok', type: 'boolean', required: true }] },
      },
      service: { type: 'serviceTask', id, activity: 'doWork', input: { n: 'counter + 1' }, output: { counter: 'n' } },
      call: { type: 'callActivity', id, calledKey: 'petition', wait: true },
      timer: { type: 'intermediateCatchEvent', id, trigger: { kind: 'timer', timer: { duration: 'P2D' } } },
      clock: {
        type: 'intermediateCatchEvent',
        id,
        trigger: {
          kind: 'timer',
          timer: {
            ruleId: 'rule',
            legalBasis: 'Art 1',
            amount: 10,
            unit: 'working_days',
            from: 'received',
            rungs: [{ name: 'reminder', daysBefore: 2 }],
            ...(l.interrupting
              ? { suspensionBasis: 'Art 2', extension: { maxExtensions: 1, maxAmountEach: 5, legalBasis: 'Art 3' } }
              : {}),
          },
        },
      },
      message: { type: 'intermediateCatchEvent', id, trigger: { kind: 'message', messageName: 'supplement' } },
      throw: { type: 'intermediateThrowEvent', id, trigger: { kind: 'escalation', escalationCode: 'overdue' } },
    }[l.kind] as Record<string, unknown>;
    this.nodes.push(node);
    const isActivity = l.kind === 'user' || l.kind === 'service' || l.kind === 'call';
    const boundary = l.boundary === 'escalation' && l.kind === 'service' ? 'timer' : l.boundary;
    if (isActivity && boundary) {
      const b = this.next('b');
      const trigger =
        boundary === 'timer'
          ? { kind: 'timer', timer: { duration: 'P1D' } }
          : boundary === 'message'
            ? { kind: 'message', messageName: 'withdraw' }
            : { kind: 'escalation' };
      this.nodes.push({ type: 'boundaryEvent', id: b, attachedTo: id, interrupting: l.interrupting, trigger });
      this.flow(b, this.end());
    }
    return [id, id];
  }

  /** Compiles a block; returns its entry and exit node ids. */
  compile(b: Block): [string, string] {
    if (b.k === 'leaf') return this.leaf(b);
    const parts = b.items.map((item) => this.compile(item));
    if (b.k === 'seq') {
      for (let i = 1; i < parts.length; i++) this.flow(parts[i - 1]![1], parts[i]![0]);
      return [parts[0]![0], parts[parts.length - 1]![1]];
    }
    const split = this.next(b.k === 'xor' ? 'split' : 'fork');
    const merge = this.next(b.k === 'xor' ? 'merge' : 'join');
    const type = b.k === 'xor' ? 'exclusiveGateway' : 'parallelGateway';
    const splitNode: Record<string, unknown> = { type, id: split };
    this.nodes.push(splitNode, { type, id: merge });
    parts.forEach(([entry, exit], i) => {
      const condition = b.k === 'xor' && i > 0 ? `choice = ${i}` : undefined;
      const f = this.flow(split, entry, condition);
      if (b.k === 'xor' && i === 0) splitNode.default = f;
      this.flow(exit, merge);
    });
    return [split, merge];
  }
}

/** Random valid process definitions. */
export const validDefinition: fc.Arbitrary<ProcessDefinitionInput> = fc
  .record({ body: block, handler: fc.boolean(), version: fc.integer({ min: 1, max: 50 }) })
  .map(({ body, handler, version }) => {
    const c = new Compiler();
    c.nodes.push({ type: 'startEvent', id: 'start' });
    const [entry, exit] = c.compile(body);
    c.flow('start', entry);
    const end = 'end';
    c.nodes.push({ type: 'endEvent', id: end, outcome: 'done' });
    c.flow(exit, end);
    if (handler) {
      c.nodes.push({
        type: 'startEvent',
        id: 'onOverdue',
        trigger: { kind: 'escalation', escalationCode: 'overdue', interrupting: false },
      });
      c.nodes.push(
        { type: 'serviceTask', id: 'logOverdue', activity: 'audit' },
        { type: 'endEvent', id: 'endLogged', outcome: 'logged' },
      );
      c.flow('onOverdue', 'logOverdue');
      c.flow('logOverdue', 'endLogged');
    }
    return {
      key: 'random',
      version,
      name: 'Random',
      caseType: 'petition',
      effectiveFrom: '2026-07-01',
      variables: { counter: 0, choice: 0 },
      nodes: c.nodes,
      flows: c.flows,
    } as unknown as ProcessDefinitionInput;
  });

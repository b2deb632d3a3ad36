import { describe, expect, it } from 'vitest';
import { validateDefinition, type ValidationError } from '../../../workflows/engine/index.js';
import { EXAMPLE_DEFINITIONS } from '../../../processes/examples/index.js';
import { end, flow, graph, linear, loopWithExit, mutate, service, start, task } from './fixtures.js';

interface Case {
  rule: string;
  input: unknown;
  elementId?: string;
  message: RegExp;
}

const xorBase = (flows: ReturnType<typeof flow>[], extra: Record<string, unknown> = {}) =>
  graph(
    [start, { type: 'exclusiveGateway', id: 'xor', ...extra }, task('a'), task('b'), end()],
    [flow('f0', 'start', 'xor'), ...flows, flow('fa', 'a', 'end'), flow('fb', 'b', 'end')],
  );

const boundaryOn = (
  host: Record<string, unknown>,
  trigger: Record<string, unknown>,
  extraNodes: Record<string, unknown>[] = [],
  extraFlows: ReturnType<typeof flow>[] = [],
) =>
  graph(
    [
      start,
      host as never,
      { type: 'boundaryEvent', id: 'b', attachedTo: host.id as string, trigger } as never,
      end(),
      end('end2', 'other'),
      ...(extraNodes as never[]),
    ],
    [
      flow('f1', 'start', host.id as string),
      flow('f2', host.id as string, 'end'),
      flow('f3', 'b', 'end2'),
      ...extraFlows,
    ],
  );

const cases: Case[] = [
  // header
  { rule: 'version must be >= 1', input: linear({ version: 0 }), message: /^version: must be an integer >= 1/ },
  { rule: 'key must be a slug', input: linear({ key: 'Bad Key' }), message: /^key: must be a lower-case slug/ },
  {
    rule: 'effectiveFrom must be a real date',
    input: linear({ effectiveFrom: '2026-02-30' }),
    message: /effectiveFrom: is not a real calendar date/,
  },
  {
    rule: 'effectiveTo after effectiveFrom',
    input: linear({ effectiveTo: '2026-01-01' }),
    message: /effectiveTo: must be after effectiveFrom \(2026-01-01\)/,
  },
  { rule: 'unknown header property', input: { ...linear(), colour: 'red' }, message: /unknown property 'colour'/ },
  // elements
  {
    rule: 'unknown element type',
    input: mutate(linear(), (d) => {
      d.nodes.push({ type: 'scriptTask', id: 'script' });
    }),
    elementId: 'script',
    message: /scriptTask 'script': unknown element type "scriptTask"/,
  },
  {
    rule: 'unknown element property',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.assignee = 'x';
    }),
    elementId: 'task',
    message: /userTask 'task': unknown property 'assignee'/,
  },
  {
    rule: 'element id must be XML-safe',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.id = 'my task';
    }),
    elementId: 'my task',
    message: /userTask 'my task': id: must be an XML-safe id/,
  },
  {
    rule: 'user task needs candidate roles',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.candidateRoles = [];
    }),
    elementId: 'task',
    message: /candidateRoles: a user task needs at least one candidate role/,
  },
  {
    rule: 'user task agency scope',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.agencyScope = 'moon';
    }),
    elementId: 'task',
    message: /userTask 'task': agencyScope:/,
  },
  {
    rule: 'end event needs an outcome',
    input: mutate(linear(), (d) => {
      delete d.nodes[2]!.outcome;
    }),
    elementId: 'end',
    message: /endEvent 'end': outcome:/,
  },
  {
    rule: 'form: enum without values',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.form = { fields: [{ name: 'kind', type: 'enum' }] };
    }),
    elementId: 'task',
    message: /form\.fields\[0\]\.values: enum field 'kind' needs values/,
  },
  {
    rule: 'form: duplicate field',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.form = {
        fields: [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'number' },
        ],
      };
    }),
    elementId: 'task',
    message: /duplicate form field 'a'/,
  },
  {
    rule: 'form: array without itemType',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.form = { fields: [{ name: 'files', type: 'array' }] };
    }),
    elementId: 'task',
    message: /array field 'files' needs an itemType/,
  },
  {
    rule: 'form: values on a non-enum field',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.form = { fields: [{ name: 's', type: 'string', values: ['x'] }] };
    }),
    elementId: 'task',
    message: /only enum fields take values/,
  },
  {
    rule: 'form: unknown field type',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.form = { fields: [{ name: 's', type: 'file' }] };
    }),
    elementId: 'task',
    message: /form\.fields\[0\]\.type:/,
  },
  {
    rule: 'clock rule: rung not before due',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.due = {
        ruleId: 'r',
        legalBasis: 'Art 1',
        amount: 5,
        unit: 'working_days',
        from: 'received',
        rungs: [{ name: 'reminder', daysBefore: 5 }],
      };
    }),
    elementId: 'task',
    message: /due\.rungs\[0\]\.daysBefore: must be less than the rule amount \(5\)/,
  },
  {
    rule: 'clock rule: duplicate rung',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.due = {
        ruleId: 'r',
        legalBasis: 'Art 1',
        amount: 5,
        unit: 'working_days',
        from: 'received',
        rungs: [
          { name: 'reminder', daysBefore: 1 },
          { name: 'reminder', daysBefore: 2 },
        ],
      };
    }),
    elementId: 'task',
    message: /duplicate rung 'reminder'/,
  },
  {
    rule: 'clock rule: unknown unit',
    input: mutate(linear(), (d) => {
      d.nodes[1]!.due = { ruleId: 'r', legalBasis: 'Art 1', amount: 5, unit: 'weeks', from: 'received' };
    }),
    elementId: 'task',
    message: /due\.unit:/,
  },
  {
    rule: 'timer: invalid ISO duration',
    input: graph(
      [
        start,
        { type: 'intermediateCatchEvent', id: 'wait', trigger: { kind: 'timer', timer: { duration: '3 days' } } },
        end(),
      ],
      [flow('f1', 'start', 'wait'), flow('f2', 'wait', 'end')],
    ),
    elementId: 'wait',
    message: /intermediateCatchEvent 'wait': trigger/,
  },
  {
    rule: 'intermediate catch of escalation is not a catch event kind',
    input: graph(
      [start, { type: 'intermediateCatchEvent', id: 'wait', trigger: { kind: 'escalation' } }, end()],
      [flow('f1', 'start', 'wait'), flow('f2', 'wait', 'end')],
    ),
    elementId: 'wait',
    message: /intermediateCatchEvent 'wait': trigger/,
  },
  {
    rule: 'flow without target',
    input: mutate(linear(), (d) => {
      delete (d.flows[0] as Record<string, unknown>).target;
    }),
    elementId: 'f1',
    message: /sequence flow 'f1': target:/,
  },
  // structure
  {
    rule: 'duplicate node ids',
    input: mutate(linear(), (d) => {
      d.nodes.push({ type: 'endEvent', id: 'task', outcome: 'x' });
    }),
    elementId: 'task',
    message: /duplicate id 'task' \(already used by nodes\[1\]\)/,
  },
  {
    rule: 'flow id clashes with a node id',
    input: mutate(linear(), (d) => {
      d.flows[1]!.id = 'end';
    }),
    elementId: 'end',
    message: /duplicate id 'end'/,
  },
  {
    rule: 'dangling flow source',
    input: mutate(linear(), (d) => {
      d.flows.push(flow('f9', 'ghost', 'end'));
    }),
    elementId: 'f9',
    message: /sequence flow 'f9': source 'ghost' is not a node/,
  },
  {
    rule: 'dangling flow target',
    input: mutate(linear(), (d) => {
      d.flows[1]!.target = 'nowhere';
    }),
    elementId: 'f2',
    message: /sequence flow 'f2': target 'nowhere' is not a node/,
  },
  {
    rule: 'no start event',
    input: graph([task('task'), end()], [flow('f2', 'task', 'end')]),
    message: /definition has no start event/,
  },
  {
    rule: 'two none start events',
    input: mutate(linear(), (d) => {
      d.nodes.push({ type: 'startEvent', id: 'start2' });
      d.flows.push(flow('f9', 'start2', 'task'));
    }),
    elementId: 'start2',
    message: /startEvent 'start2': only one start event without trigger/,
  },
  {
    rule: 'start event with incoming flow',
    input: mutate(linear(), (d) => {
      d.nodes.splice(2, 0, { type: 'exclusiveGateway', id: 'x', default: 'back' } as never);
      d.flows[1]!.target = 'x';
      d.flows.push(flow('back', 'x', 'start'), flow('out', 'x', 'end', 'done = true'));
    }),
    elementId: 'start',
    message: /startEvent 'start': a start event cannot have incoming flows \(back\)/,
  },
  {
    rule: 'no end event',
    input: graph([start, task('task')], [flow('f1', 'start', 'task')]),
    message: /definition has no end event/,
  },
  {
    rule: 'end event with outgoing flow',
    input: mutate(linear(), (d) => {
      d.nodes.push(end('end2'));
      d.flows.push(flow('f9', 'end', 'end2'));
    }),
    elementId: 'end',
    message: /endEvent 'end': an end event cannot have outgoing flows \(f9\)/,
  },
  {
    rule: 'non-end node without outgoing flow',
    input: mutate(linear(), (d) => {
      d.nodes.push(task('orphanEnd'));
      d.flows.push(flow('f9', 'start', 'orphanEnd'));
    }),
    elementId: 'orphanEnd',
    message: /userTask 'orphanEnd': has no outgoing flow/,
  },
  {
    rule: 'task with two outgoing flows',
    input: mutate(linear(), (d) => {
      d.nodes.push(end('end2'));
      d.flows.push(flow('f9', 'task', 'end2'));
    }),
    elementId: 'task',
    message: /userTask 'task': has 2 outgoing flows \(f2, f9\); use a gateway/,
  },
  {
    rule: 'unreachable node',
    input: mutate(linear(), (d) => {
      d.nodes.push(task('island'), end('end2'));
      d.flows.push(flow('f9', 'island', 'end2'));
    }),
    elementId: 'island',
    message: /userTask 'island': is unreachable from the start event/,
  },
  {
    rule: 'node that cannot reach an end (endless loop)',
    input: graph(
      [start, task('a'), task('b'), { type: 'exclusiveGateway', id: 'x', default: 'toEnd' }, end()],
      [
        flow('f1', 'start', 'x'),
        flow('toEnd', 'x', 'end'),
        flow('toA', 'x', 'a', 'loop = true'),
        flow('ab', 'a', 'b'),
        flow('ba', 'b', 'a'),
      ],
    ),
    elementId: 'a',
    message: /userTask 'a': cannot reach any end event/,
  },
  {
    rule: 'exclusive gateway branching without default',
    input: xorBase([flow('fa0', 'xor', 'a', 'x > 1'), flow('fb0', 'xor', 'b', 'x <= 1')]),
    elementId: 'xor',
    message: /exclusiveGateway 'xor': branches into 2 flows but has no default flow/,
  },
  {
    rule: 'exclusive gateway default is not its outgoing flow',
    input: xorBase([flow('fa0', 'xor', 'a', 'x > 1'), flow('fb0', 'xor', 'b')], { default: 'f0' }),
    elementId: 'xor',
    message: /default flow 'f0' is not an outgoing flow of this gateway/,
  },
  {
    rule: 'exclusive gateway default with a condition',
    input: xorBase([flow('fa0', 'xor', 'a', 'x > 1'), flow('fb0', 'xor', 'b', 'x < 0')], { default: 'fb0' }),
    elementId: 'xor',
    message: /default flow 'fb0' must not have a condition/,
  },
  {
    rule: 'exclusive gateway outflow neither conditional nor default',
    input: xorBase([flow('fa0', 'xor', 'a'), flow('fb0', 'xor', 'b')], { default: 'fb0' }),
    elementId: 'xor',
    message: /outgoing flow 'fa0' has no condition and is not the default flow/,
  },
  {
    rule: 'exclusive gateway with a single conditional outflow',
    input: graph(
      [start, { type: 'exclusiveGateway', id: 'xor' }, end()],
      [flow('f0', 'start', 'xor'), flow('f1', 'xor', 'end', 'ok = true')],
    ),
    elementId: 'xor',
    message: /its only outgoing flow 'f1' has a condition but there is no default flow/,
  },
  {
    rule: 'condition on a flow not leaving an exclusive gateway',
    input: mutate(linear(), (d) => {
      d.flows[1]!.condition = 'ok = true';
    }),
    elementId: 'f2',
    message:
      /sequence flow 'f2': only flows leaving an exclusive gateway may have a condition \(source is userTask 'task'\)/,
  },
  {
    rule: 'FEEL condition that does not parse',
    input: xorBase([flow('fa0', 'xor', 'a', 'amount >'), flow('fb0', 'xor', 'b')], { default: 'fb0' }),
    elementId: 'fa0',
    message: /sequence flow 'fa0': condition 'amount >' is not valid FEEL/,
  },
  {
    rule: 'FEEL input mapping that does not parse',
    input: graph(
      [start, { ...service('svc'), input: { caseNo: 'foo(' } }, end()],
      [flow('f1', 'start', 'svc'), flow('f2', 'svc', 'end')],
    ),
    elementId: 'svc',
    message: /serviceTask 'svc': input 'caseNo' = 'foo\(' is not valid FEEL/,
  },
  {
    rule: 'FEEL condition reading the worker clock',
    input: xorBase([flow('fa0', 'xor', 'a', 'deadline < today()'), flow('fb0', 'xor', 'b')], { default: 'fb0' }),
    elementId: 'fa0',
    message: /sequence flow 'fa0': condition 'deadline < today\(\)' calls today\(\), which depends on the worker clock/,
  },
  {
    rule: 'FEEL input mapping reading the worker clock',
    input: graph(
      [start, { ...service('svc'), input: { at: 'now()' } }, end()],
      [flow('f1', 'start', 'svc'), flow('f2', 'svc', 'end')],
    ),
    elementId: 'svc',
    message: /serviceTask 'svc': input 'at' = 'now\(\)' calls now\(\)/,
  },
  {
    rule: 'parallel gateway both fork and join',
    input: graph(
      [
        start,
        task('a'),
        task('b'),
        { type: 'parallelGateway', id: 'fork' },
        { type: 'parallelGateway', id: 'mixed' },
        task('c'),
        task('d'),
        { type: 'parallelGateway', id: 'join' },
        end(),
      ],
      [
        flow('f0', 'start', 'fork'),
        flow('f1', 'fork', 'a'),
        flow('f2', 'fork', 'b'),
        flow('f3', 'a', 'mixed'),
        flow('f4', 'b', 'mixed'),
        flow('f5', 'mixed', 'c'),
        flow('f6', 'mixed', 'd'),
        flow('f7', 'c', 'join'),
        flow('f8', 'd', 'join'),
        flow('f9', 'join', 'end'),
      ],
    ),
    elementId: 'mixed',
    message: /parallelGateway 'mixed': must be a fork \(1 incoming, 2\+ outgoing\) or a join/,
  },
  {
    rule: 'parallel gateway pass-through',
    input: graph(
      [start, { type: 'parallelGateway', id: 'p' }, end()],
      [flow('f0', 'start', 'p'), flow('f1', 'p', 'end')],
    ),
    elementId: 'p',
    message: /has 1 incoming and 1 outgoing/,
  },
  {
    rule: 'parallel join of exclusive branches deadlocks',
    input: graph(
      [start, { type: 'exclusiveGateway', id: 'xor', default: 'f2' }, { type: 'parallelGateway', id: 'join' }, end()],
      [
        flow('f0', 'start', 'xor'),
        flow('f1', 'xor', 'join', 'x = 1'),
        flow('f2', 'xor', 'join'),
        flow('f3', 'join', 'end'),
      ],
    ),
    elementId: 'join',
    message: /joins two branches of exclusive gateway 'xor'.*wait forever/,
  },
  {
    rule: 'boundary event on a gateway',
    input: graph(
      [
        start,
        { type: 'exclusiveGateway', id: 'g' },
        { type: 'boundaryEvent', id: 'b', attachedTo: 'g', trigger: { kind: 'message', messageName: 'withdraw' } },
        end(),
        end('end2', 'x'),
      ],
      [flow('f0', 'start', 'g'), flow('f1', 'g', 'end'), flow('f2', 'b', 'end2')],
    ),
    elementId: 'b',
    message: /boundaryEvent 'b': is attached to exclusiveGateway 'g'; boundary events attach only to/,
  },
  {
    rule: 'boundary event on an unknown node',
    input: mutate(boundaryOn(task('t'), { kind: 'message', messageName: 'withdraw' }), (d) => {
      d.nodes[2]!.attachedTo = 'ghost';
    }),
    elementId: 'b',
    message: /boundaryEvent 'b': is attached to 'ghost', which is not a node/,
  },
  {
    rule: 'escalation boundary on a service task',
    input: boundaryOn(service('svc'), { kind: 'escalation', escalationCode: 'overdue' }),
    elementId: 'b',
    message: /escalation boundary on serviceTask 'svc'/,
  },
  {
    rule: 'duplicate message boundaries on one host',
    input: boundaryOn(
      task('t'),
      { kind: 'message', messageName: 'withdraw' },
      [{ type: 'boundaryEvent', id: 'b2', attachedTo: 't', trigger: { kind: 'message', messageName: 'withdraw' } }],
      [flow('f4', 'b2', 'end2')],
    ),
    elementId: 'b2',
    message: /duplicates boundary 'b' on 't' \(same message withdraw\)/,
  },
  {
    rule: 'flow into a boundary event',
    input: mutate(boundaryOn(task('t'), { kind: 'message', messageName: 'withdraw' }), (d) => {
      d.flows.push(flow('f9', 'start', 'b'));
    }),
    elementId: 'f9',
    message: /boundary event 'b' cannot have incoming flows/,
  },
  {
    rule: 'duplicate escalation handlers',
    input: mutate(linear(), (d) => {
      d.nodes.push(
        { type: 'startEvent', id: 'h1', trigger: { kind: 'escalation', escalationCode: 'overdue' } },
        { type: 'startEvent', id: 'h2', trigger: { kind: 'escalation', escalationCode: 'overdue' } },
      );
      d.flows.push(flow('h1f', 'h1', 'end'), flow('h2f', 'h2', 'end'));
    }),
    elementId: 'h2',
    message: /escalation handler for code 'overdue' duplicates 'h1'/,
  },
  {
    rule: 'call activity maps outputs without waiting',
    input: graph(
      [start, { type: 'callActivity', id: 'call', calledKey: 'petition', wait: false, output: { x: 'y' } }, end()],
      [flow('f1', 'start', 'call'), flow('f2', 'call', 'end')],
    ),
    elementId: 'call',
    message: /callActivity 'call': has output mappings but wait is false/,
  },
];

function expectRejected(input: unknown): ValidationError[] {
  const result = validateDefinition(input);
  if (result.ok) throw new Error('expected the definition to be rejected');
  return result.errors;
}

describe('validateDefinition rejects', () => {
  it.each(cases)('$rule', ({ input, elementId, message }) => {
    const errors = expectRejected(input);
    const match = errors.find((e) => message.test(e.message));
    expect(match, `no error matching ${message} in ${JSON.stringify(errors, null, 1)}`).toBeDefined();
    if (elementId !== undefined) {
      expect(match!.elementId).toBe(elementId);
      expect(match!.message).toContain(`'${elementId}'`);
    }
  });

  it('non-objects and missing graph', () => {
    expect(expectRejected(null)[0]!.message).toMatch(/expected object/i);
    expect(expectRejected({ ...linear(), nodes: undefined }).map((e) => e.path)).toContain('nodes');
  });

  it('reports every problem, not only the first', () => {
    const errors = expectRejected(
      mutate(linear(), (d) => {
        d.nodes.push({ type: 'bogus', id: 'x1' }, { type: 'bogus', id: 'x2' });
      }),
    );
    expect(errors.map((e) => e.elementId)).toEqual(['x1', 'x2']);
    expect(errors.map((e) => e.path)).toEqual(['nodes[3].type', 'nodes[4].type']);
  });
});

describe('validateDefinition accepts', () => {
  it.each(EXAMPLE_DEFINITIONS.map((d) => [d.key, d] as const))('example %s', (_key, def) => {
    const result = validateDefinition(def);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('normalises: applies defaults and keeps authored values', () => {
    const result = validateDefinition(linear());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.variables).toEqual({});
    expect(result.definition.nodes[1]).toEqual({
      type: 'userTask',
      id: 'task',
      name: 'Do it',
      candidateRoles: ['officer'],
      agencyScope: 'receiving',
      form: { fields: [] },
    });
    expect(validateDefinition(result.definition)).toEqual(result);
  });

  it('allows a loop with an exit, and a merge gateway with one unconditional outflow', () => {
    expect(validateDefinition(loopWithExit()).ok).toBe(true);
  });

  it('accepts custom case types but not malformed ones', () => {
    expect(validateDefinition(linear({ caseType: 'agency_feedback' })).ok).toBe(true);
    expect(validateDefinition(linear({ caseType: 'Agency Feedback' })).ok).toBe(false);
  });
});

describe('clock rules', () => {
  const withDue = (due: Record<string, unknown>) =>
    mutate(linear(), (d) => {
      d.nodes[1]!.due = due;
    });
  const rule = {
    ruleId: 'T5',
    legalBasis: 'Luật Tố cáo 2018 Art 30(1)',
    amount: 30,
    unit: 'calendar_days',
    from: 'accepted',
  };

  it('carry optional suspension basis and extension limits', () => {
    const result = validateDefinition(
      withDue({
        ...rule,
        suspensionBasis: 'Luật Tố cáo 2018 Art 34(2)',
        extension: { maxExtensions: 2, maxAmountEach: 30, legalBasis: 'Luật Tố cáo 2018 Art 30(3)' },
      }),
    );
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('reject an extension policy that allows nothing', () => {
    const errors = expectRejected(
      withDue({ ...rule, extension: { maxExtensions: 0, maxAmountEach: 30, legalBasis: 'Art 30' } }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ elementId: 'task', path: 'nodes[1].due.extension.maxExtensions' }),
    );
  });
});

/**
 * One small behaviour per element type: what it does when a token arrives (`enter`) and when a
 * discarded flow arrives (`discard`, dead-path elimination). `BEHAVIOURS` is typed
 * `Record<NodeType, ...>`, so it *is* the list of supported element types: adding a type to the
 * model without a behaviour fails tsc. Behaviours see the run only through {@link ElementContext}
 * (the runner imports this module, never the reverse).
 */
import { evaluateCondition } from '../feel.js';
import { DUE_BREACH_ESCALATION_CODE, type DefinitionNode, type NodeType } from '../nodes.js';
import type { ElementContext } from './element-context.js';
import { RuntimeIncident, type TaskRecord, type Token } from './types.js';

/** What an element does with an arriving token (`flowId` undefined for start events) or discarded flow. */
export interface Behaviour<N extends DefinitionNode = DefinitionNode> {
  enter(ctx: ElementContext, node: N, flowId: string | undefined): void;
  /** Dead-path elimination; unset: {@link discardOnwards} once every incoming flow was discarded. */
  discard?(ctx: ElementContext, node: N, flowId: string): void;
  /** A token rests on the element until the workflow reports completion (task, activity, catch event). */
  waits?: true;
}

type Registry = { [T in NodeType]: Behaviour<Extract<DefinitionNode, { type: T }>> };

/**
 * Dead-path elimination (BPMN): once every incoming flow of an element was discarded its outgoing
 * flows are discarded — and, for a waiting element, those of its boundary events.
 */
export function discardOnwards(ctx: ElementContext, node: DefinitionNode, withBoundaries: boolean): void {
  const incoming = ctx.graph.incoming(node.id).length;
  const n = (ctx.state.discards[node.id] ?? 0) + 1;
  if (n < incoming) {
    ctx.state.discards[node.id] = n;
    return;
  }
  delete ctx.state.discards[node.id];
  ctx.discardAll(node.id);
  if (withBoundaries) for (const b of ctx.graph.boundaries(node.id)) ctx.discardAll(b.id);
}

/** Timer boundary events of a waiting element are armed when its token arrives. */
function armBoundaryTimers(ctx: ElementContext, node: DefinitionNode, token: Token): void {
  for (const b of ctx.graph.boundaries(node.id))
    if (b.trigger.kind === 'timer') ctx.armTimer('boundary', b.id, token.id, b.trigger.timer);
}

/** A waiting element: the token rests (plus what `onRest` adds) until the workflow reports completion. */
function waiting<N extends DefinitionNode>(
  onRest?: (ctx: ElementContext, node: N, token: Token) => void,
): Behaviour<N> {
  return {
    waits: true,
    enter(ctx, node) {
      const token = ctx.placeToken(node);
      onRest?.(ctx, node, token);
      armBoundaryTimers(ctx, node, token);
    },
    discard: (ctx, node) => discardOnwards(ctx, node, true),
  };
}

/**
 * A parallel join: waits until every incoming flow arrived, taken or discarded; then takes its
 * outgoing flows when at least one arrived taken, else discards them.
 */
function arriveAtJoin(ctx: ElementContext, nodeId: string, flowId: string, mark: 'taken' | 'discarded'): void {
  const j = (ctx.state.joins[nodeId] ??= { taken: [], discarded: [] });
  j[mark].push(flowId);
  const seen = new Set([...j.taken, ...j.discarded]);
  if (!ctx.graph.incoming(nodeId).every((f) => seen.has(f.id))) return;
  delete ctx.state.joins[nodeId];
  if (j.taken.length > 0) {
    ctx.record('joined', nodeId);
    ctx.takeAll(nodeId);
  } else ctx.discardAll(nodeId);
}

export const BEHAVIOURS: Registry = {
  startEvent: { enter: (ctx, node) => ctx.takeAll(node.id) },
  endEvent: {
    enter(ctx, node) {
      ctx.state.outcomes.push(node.outcome);
      ctx.record('end_reached', node.id, { outcome: node.outcome });
      if (node.terminate) ctx.terminate(node);
    },
  },
  // A user task opens a task in the inbox (its id `<node>-<n>`) and arms its due rule's clock.
  userTask: waiting((ctx, node, token) => {
    const taskId = `${node.id}-${ctx.state.nextId}`;
    token.taskId = taskId;
    const task: TaskRecord = {
      id: taskId,
      nodeId: node.id,
      tokenId: token.id,
      name: node.name,
      candidateRoles: [...node.candidateRoles],
      agencyScope: node.agencyScope,
      form: node.form,
      status: 'open',
      openedAt: token.since,
    };
    ctx.state.tasks.push(task);
    if (node.due) {
      const timer = ctx.armTimer('due', node.id, token.id, node.due);
      task.dueTimerId = timer.id;
      task.dueAt = timer.clock?.dueAt ?? null;
    }
    ctx.record('task_opened', node.id, { taskId });
  }),
  serviceTask: waiting(),
  callActivity: waiting(),
  intermediateCatchEvent: waiting((ctx, node, token) => {
    if (node.trigger.kind === 'timer') ctx.armTimer('catch', node.id, token.id, node.trigger.timer);
  }),
  intermediateThrowEvent: {
    enter(ctx, node) {
      ctx.takeAll(node.id);
      // Thrown at process level (the model has no sub-processes): a process handler or the parent case catches it.
      ctx.throwEscalation(node.trigger.escalationCode, undefined, node.id);
    },
  },
  exclusiveGateway: {
    enter(ctx, node) {
      const outgoing = ctx.graph.outgoing(node.id);
      // Conditions in definition order; the default flow is evaluated last (BPMN 2.0 §13.3.2).
      const chosen =
        outgoing.find(
          (f) => f.id !== node.default && f.condition !== undefined && evaluateCondition(f.condition, ctx.feelScope()),
        ) ??
        outgoing.find((f) => f.id === node.default) ??
        (outgoing.length === 1 && outgoing[0]!.condition === undefined ? outgoing[0] : undefined);
      if (!chosen)
        throw new RuntimeIncident(
          'NO_FLOW',
          `exclusive gateway '${node.id}': no condition holds and there is no default flow`,
          node.id,
        );
      for (const f of outgoing) {
        if (f.id === chosen.id) ctx.take(f.id);
        else ctx.discard(f.id);
      }
    },
  },
  parallelGateway: {
    enter(ctx, node, flowId) {
      if (ctx.graph.incoming(node.id).length <= 1) {
        ctx.takeAll(node.id);
        return;
      }
      arriveAtJoin(ctx, node.id, flowId!, 'taken');
    },
    discard(ctx, node, flowId) {
      if (ctx.graph.incoming(node.id).length > 1) {
        arriveAtJoin(ctx, node.id, flowId, 'discarded');
        return;
      }
      discardOnwards(ctx, node, false);
    },
  },
  boundaryEvent: {
    enter(_ctx, node) {
      throw new RuntimeIncident(
        'BAD_FLOW',
        `boundary event '${node.id}' cannot be the target of a sequence flow`,
        node.id,
      );
    },
  },
};

/** Node types on which a token rests (derived from the registry). */
export const WAITING: ReadonlySet<string> = new Set(
  Object.entries(BEHAVIOURS)
    .filter(([, b]) => (b as Behaviour).waits)
    .map(([type]) => type),
);

export { DUE_BREACH_ESCALATION_CODE };

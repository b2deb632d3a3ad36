/**
 * What an element's behaviour may do to a run (workflows/engine/runtime/behaviours.ts): the token
 * runner implements it. A separate module so that the behaviours and the runner do not import each
 * other (the runner imports the behaviours; the behaviours only this interface).
 */
import type { TimerSpec } from '../clock-rule.js';
import type { DefinitionNode, EndEvent } from '../nodes.js';
import type { JsonValue } from '../primitives.js';
import type { RunGraph } from './graph.js';
import type { RunState, TimerRecord, Token } from './types.js';

export interface ElementContext {
  readonly graph: RunGraph;
  readonly state: RunState;
  /** Epoch ms of "now" (set by the workflow). */
  readonly now: number;
  /** Variables visible to FEEL expressions. */
  feelScope(): Record<string, JsonValue>;
  /** Queues the token's move over `flowId` (BPMN: the flow is taken). */
  take(flowId: string): void;
  /** Queues dead-path elimination over `flowId` (BPMN: the flow is discarded). */
  discard(flowId: string): void;
  takeAll(nodeId: string): void;
  discardAll(nodeId: string): void;
  /** Puts a resting token on a waiting element (it carries the breach lineage of the work in progress). */
  placeToken(node: DefinitionNode): Token;
  /** Arms a timer (a duration or a statutory clock) for a token. */
  armTimer(purpose: TimerRecord['purpose'], nodeId: string, tokenId: string, spec: TimerSpec): TimerRecord;
  /** A fresh id (`<prefix><n>`) of the run. */
  newId(prefix: string): string;
  /** Appends an event to the case history. */
  record(type: string, nodeId?: string, detail?: Record<string, JsonValue>): void;
  /** Terminate end event: the case ends now, every other token is cancelled. */
  terminate(node: EndEvent): void;
  /** Raises an escalation in the scope of a token or at process level. */
  throwEscalation(code: string, scopeTokenId?: string, fromNodeId?: string): 'caught' | 'uncaught';
}

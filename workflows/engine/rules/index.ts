/** The structural rules, in reporting order. */
import { boundaryAttachment } from './boundary.js';
import { callActivityOutputs } from './call-activity.js';
import { clockFollows } from './clock-follows.js';
import { feelConditions } from './conditions.js';
import { exclusiveGatewayDefaults } from './exclusive-gateway.js';
import { flowEndpoints } from './flow-endpoints.js';
import { outgoingFlows } from './outgoing.js';
import { parallelGatewayShape } from './parallel-gateway.js';
import { reachability } from './reachability.js';
import { startAndEnd } from './start-end.js';
import type { Rule } from './types.js';
import { uniqueIds } from './unique-ids.js';

export const STRUCTURAL_RULES: readonly Rule[] = [
  uniqueIds,
  flowEndpoints,
  startAndEnd,
  outgoingFlows,
  exclusiveGatewayDefaults,
  parallelGatewayShape,
  feelConditions,
  boundaryAttachment,
  callActivityOutputs,
  clockFollows,
  reachability,
];
export { buildGraph } from './graph.js';
export type { Graph, Rule, ValidationError } from './types.js';

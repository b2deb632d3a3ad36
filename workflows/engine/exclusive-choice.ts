/**
 * The exclusive-gateway decision: conditions in flow order, the default flow last.
 */
import type { DefinitionIndex } from './definition-index.js';
import { evaluateCondition, type FeelVariables } from './feel.js';

/**
 * Returns the id of the flow an exclusive gateway takes: the first outgoing flow (definition
 * order) whose condition is true, else the default flow, else the only unconditioned flow of a
 * merge gateway. Validation guarantees one of these exists.
 * @throws TypeError when `gatewayId` is not an exclusive gateway of the definition.
 */
export function chooseExclusiveFlow(index: DefinitionIndex, gatewayId: string, variables: FeelVariables): string {
  const gateway = index.node(gatewayId);
  if (gateway?.type !== 'exclusiveGateway') throw new TypeError(`'${gatewayId}' is not an exclusive gateway`);
  const out = index.outgoing(gatewayId);
  const taken = out.find((f) => f.id !== gateway.default && f.condition !== undefined && evaluateCondition(f.condition, variables));
  if (taken) return taken.id;
  if (gateway.default !== undefined) return gateway.default;
  const plain = out.find((f) => f.condition === undefined);
  if (!plain) throw new TypeError(`exclusive gateway '${gatewayId}' has no way out; validate the definition first`);
  return plain.id;
}

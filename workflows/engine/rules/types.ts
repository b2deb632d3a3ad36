/**
 * Shared types of the structural validation rules. Each rule is one small file over {@link Graph}.
 */
import type { DefinitionNode, ProcessDefinition, SequenceFlow } from '../definition.js';

/** One validation problem: where it is, which element, what is wrong. */
export interface ValidationError {
  /** Location in the input, e.g. `nodes[3].form.fields[0].type` or `flows[2]`. */
  path: string;
  /** Id of the offending element (node or flow), when there is one. */
  elementId?: string;
  message: string;
}

/** Indexed view of a definition whose elements all parsed. */
export interface Graph {
  definition: ProcessDefinition;
  nodes: Map<string, DefinitionNode>;
  /** Position of each node / flow in the input (first occurrence), for error paths. */
  nodeIndex: Map<string, number>;
  flowIndex: Map<string, number>;
  flows: Map<string, SequenceFlow>;
  outgoing: Map<string, SequenceFlow[]>;
  incoming: Map<string, SequenceFlow[]>;
}

/** A structural rule: returns every problem it finds (empty when satisfied). */
export type Rule = (graph: Graph) => ValidationError[];

/** Describes an element for messages: `userTask 'verify'`. */
export function describe(node: DefinitionNode): string {
  return `${node.type} '${node.id}'`;
}

/** An error about a node. */
export function nodeError(graph: Graph, node: DefinitionNode, message: string, subPath = ''): ValidationError {
  return {
    path: `nodes[${graph.nodeIndex.get(node.id) ?? '?'}]${subPath}`,
    elementId: node.id,
    message: `${describe(node)}: ${message}`,
  };
}

/** An error about a flow. */
export function flowError(graph: Graph, flow: SequenceFlow, message: string, subPath = ''): ValidationError {
  return {
    path: `flows[${graph.flowIndex.get(flow.id) ?? '?'}]${subPath}`,
    elementId: flow.id,
    message: `sequence flow '${flow.id}': ${message}`,
  };
}

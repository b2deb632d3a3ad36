/** Shared helpers of the built-in definition tests. */
import {
  validateDefinition,
  type ClockRule,
  type DefinitionNode,
  type ProcessDefinition,
  type ProcessDefinitionInput,
} from '../../../workflows/engine/index.js';
import { createClock, type Clock } from '../../../workflows/clock/index.js';
import { BUILTIN_DEFINITIONS } from '../../../processes/builtin/index.js';

/** Validates or throws with the errors. */
export function valid(input: ProcessDefinitionInput): ProcessDefinition {
  const r = validateDefinition(input);
  if (!r.ok) throw new Error(`${input.key} v${input.version}: ${JSON.stringify(r.errors.slice(0, 5))}`);
  return r.definition;
}

export const DEFS: readonly ProcessDefinition[] = BUILTIN_DEFINITIONS.map(valid);

/** The definition `key` version `version`. */
export function def(key: string, version: number): ProcessDefinition {
  const d = DEFS.find((x) => x.key === key && x.version === version);
  if (!d) throw new Error(`no built-in ${key} v${version}`);
  return d;
}

/** The clock rule a node carries: a user task's due rule or a timer event's clock. */
export function clockOf(node: DefinitionNode): ClockRule | undefined {
  if (node.type === 'userTask') return node.due;
  if (
    (node.type === 'boundaryEvent' || node.type === 'intermediateCatchEvent') &&
    node.trigger.kind === 'timer' &&
    'ruleId' in node.trigger.timer
  ) {
    return node.trigger.timer;
  }
  return undefined;
}

/** Every (node, clock) of a definition. */
export function clocksOf(d: ProcessDefinition): Array<{ node: DefinitionNode; rule: ClockRule }> {
  return d.nodes.flatMap((node) => {
    const rule = clockOf(node);
    return rule ? [{ node, rule }] : [];
  });
}

/** What the interpreter does with a clock rule when its start event happens on `date`. */
export function toClock(rule: ClockRule, date: string): Clock {
  return createClock({
    ruleId: rule.ruleId,
    legalBasis: rule.legalBasis,
    budget: { amount: rule.amount, unit: rule.unit },
    startEvent: { name: rule.from, date },
    ...(rule.suspensionBasis ? { suspensionBasis: rule.suspensionBasis } : {}),
    ...(rule.extension && (rule.unit === 'calendar_days' || rule.unit === 'working_days')
      ? {
          extensionPolicy: {
            maxExtensions: rule.extension.maxExtensions,
            maxAmountEach: rule.extension.maxAmountEach,
            legalBasis: rule.extension.legalBasis,
            unit: rule.unit,
          },
        }
      : {}),
    rungs: (rule.rungs ?? []).map((r) => ({ name: r.name, daysBefore: r.daysBefore })),
  });
}

/** Node by id or throw. */
export function node(d: ProcessDefinition, id: string): DefinitionNode {
  const n = d.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`${d.key} v${d.version}: no node ${id}`);
  return n;
}

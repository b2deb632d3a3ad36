/**
 * Rule: exactly one none start event; at least one end event; start events have no incoming
 * flows; end events have no outgoing flows; escalation start events (process-level handlers)
 * catch distinct codes.
 */
import type { StartEvent } from '../definition.js';
import { incomingOf, outgoingOf } from './graph.js';
import { nodeError, type Rule, type ValidationError } from './types.js';

export const startAndEnd: Rule = (g) => {
  const errors: ValidationError[] = [];
  const starts = [...g.nodes.values()].filter((n): n is StartEvent => n.type === 'startEvent');
  const noneStarts = starts.filter((s) => !s.trigger);
  if (noneStarts.length === 0)
    errors.push({ path: 'nodes', message: 'definition has no start event (a startEvent without trigger)' });
  for (const extra of noneStarts.slice(1))
    errors.push(
      nodeError(g, extra, `only one start event without trigger is allowed (first is '${noneStarts[0]!.id}')`),
    );
  if (![...g.nodes.values()].some((n) => n.type === 'endEvent'))
    errors.push({ path: 'nodes', message: 'definition has no end event' });

  const handlerCodes = new Map<string, string>();
  for (const s of starts) {
    if (incomingOf(g, s.id).length > 0)
      errors.push(
        nodeError(
          g,
          s,
          `a start event cannot have incoming flows (${incomingOf(g, s.id)
            .map((f) => f.id)
            .join(', ')})`,
        ),
      );
    if (!s.trigger) continue;
    const code = s.trigger.escalationCode ?? '*';
    const first = handlerCodes.get(code);
    if (first)
      errors.push(
        nodeError(
          g,
          s,
          `escalation handler for ${code === '*' ? 'every code' : `code '${code}'`} duplicates '${first}'`,
        ),
      );
    else handlerCodes.set(code, s.id);
  }
  for (const n of g.nodes.values()) {
    if (n.type === 'endEvent' && outgoingOf(g, n.id).length > 0) {
      errors.push(
        nodeError(
          g,
          n,
          `an end event cannot have outgoing flows (${outgoingOf(g, n.id)
            .map((f) => f.id)
            .join(', ')})`,
        ),
      );
    }
  }
  return errors;
};

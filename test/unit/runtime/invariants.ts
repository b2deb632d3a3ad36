/** Invariants of the token runner, checked after every operation in the runtime tests. */
import { Runner, WAITING } from '../../../workflows/engine/runtime/index.js';

/** Returns the violated invariants (empty when the state is sound). */
export function leaks(r: Runner): string[] {
  const s = r.state;
  const problems: string[] = [];
  const ids = new Set(s.tokens.map((t) => t.id));
  for (const t of s.tokens) {
    const type = r.graph.node(t.nodeId).type;
    if (!WAITING.has(type)) problems.push(`token ${t.id} rests on ${type} '${t.nodeId}', which does not wait`);
  }
  for (const tm of s.timers) if (!ids.has(tm.tokenId)) problems.push(`timer ${tm.id} belongs to no token`);
  for (const task of s.tasks.filter((x) => x.status === 'open')) {
    if (!ids.has(task.tokenId)) problems.push(`open task ${task.id} has no token`);
  }
  if ((s.status === 'completed') !== (s.tokens.length === 0))
    problems.push(`status ${s.status} with ${s.tokens.length} tokens`);
  return problems;
}

/**
 * Rule: a clock rule that `follows` another names a clock rule of the same definition, which does
 * not itself follow one (a legal event addressed to a rule reaches its followers, not theirs).
 */
import type { ClockRule } from '../clock-rule.js';
import type { DefinitionNode } from '../definition.js';
import { nodeError, type Rule, type ValidationError } from './types.js';

/** The clock rules a node carries: a task's due rule, a timer event's statutory clock. */
function clockRules(n: DefinitionNode): { rule: ClockRule; at: string }[] {
  const out: { rule: ClockRule; at: string }[] = [];
  const due = (n as { due?: ClockRule }).due;
  if (due) out.push({ rule: due, at: '.due' });
  const timer = (n as { trigger?: { kind: string; timer?: ClockRule | { duration: string } } }).trigger;
  if (timer?.kind === 'timer' && timer.timer && 'ruleId' in timer.timer)
    out.push({ rule: timer.timer, at: '.trigger.timer' });
  return out;
}

export const clockFollows: Rule = (g) => {
  const all = [...g.nodes.values()].flatMap((n) => clockRules(n).map((r) => ({ node: n, ...r })));
  const byId = new Map(all.map((r) => [r.rule.ruleId, r.rule]));
  const errors: ValidationError[] = [];
  for (const { node, rule, at } of all) {
    if (rule.follows === undefined) continue;
    const followed = byId.get(rule.follows);
    if (!followed)
      errors.push(
        nodeError(
          g,
          node,
          `clock ${rule.ruleId} follows '${rule.follows}', which is no clock rule of this definition`,
          `${at}.follows`,
        ),
      );
    else if (followed.follows !== undefined)
      errors.push(
        nodeError(
          g,
          node,
          `clock ${rule.ruleId} follows '${rule.follows}', which itself follows '${followed.follows}' (follow that one)`,
          `${at}.follows`,
        ),
      );
  }
  return errors;
};

/**
 * Rule: boundary events attach to an existing activity (user task, service task, call
 * activity); escalation boundaries only to user tasks and call activities (the scopes in which
 * escalations arise: a due-rule breach, a linked case); one catcher per host and trigger.
 */
import { isActivity } from '../nodes.js';
import { nodeError, type Rule, type ValidationError } from './types.js';

export const boundaryAttachment: Rule = (g) => {
  const errors: ValidationError[] = [];
  const catchers = new Map<string, string>();
  for (const n of g.nodes.values()) {
    if (n.type !== 'boundaryEvent') continue;
    const host = g.nodes.get(n.attachedTo);
    if (!host) {
      errors.push(
        nodeError(g, n, `is attached to '${n.attachedTo}', which is not a node of this definition`, '.attachedTo'),
      );
      continue;
    }
    if (!isActivity(host)) {
      errors.push(
        nodeError(
          g,
          n,
          `is attached to ${host.type} '${host.id}'; boundary events attach only to userTask, serviceTask or callActivity`,
          '.attachedTo',
        ),
      );
      continue;
    }
    if (n.trigger.kind === 'escalation' && host.type === 'serviceTask') {
      errors.push(
        nodeError(
          g,
          n,
          `escalation boundary on serviceTask '${host.id}': escalations arise only in user tasks (due breach) and call activities (linked case)`,
          '.attachedTo',
        ),
      );
    }
    const what =
      n.trigger.kind === 'message'
        ? `message:${n.trigger.messageName}`
        : n.trigger.kind === 'escalation'
          ? `escalation:${n.trigger.escalationCode ?? '*'}`
          : '';
    if (!what) continue;
    const key = `${host.id}|${what}`;
    const first = catchers.get(key);
    if (first)
      errors.push(nodeError(g, n, `duplicates boundary '${first}' on '${host.id}' (same ${what.replace(':', ' ')})`));
    else catchers.set(key, n.id);
  }
  return errors;
};

/**
 * The driving contract of a definition, derived from its data: the user tasks to complete (ids,
 * roles, form fields, due rule), the messages it reacts to (on which tasks), the case events it
 * records and the activities it calls. Used by scenario tests and by ADR 0007's tables; never
 * hand-maintained, so it cannot drift from the definitions.
 */
import type { ProcessDefinition } from '../../workflows/engine/index.js';

export interface TaskContract {
  id: string;
  name: string;
  roles: string[];
  required: string[];
  optional: string[];
  /** Clock ruleId of the task's due rule. */
  due?: string;
}

export interface DrivingContract {
  key: string;
  version: number;
  tasks: TaskContract[];
  /** Message name -> ids of the tasks (or catch events) listening, and whether it interrupts. */
  messages: Record<string, { on: string[]; interrupting: boolean }>;
  /** Case events recorded by recordCaseEvent (plus `received`, recorded at start). */
  events: string[];
  activities: string[];
  variables: string[];
}

/** Derives the {@link DrivingContract} of a validated definition. */
export function drivingContract(d: ProcessDefinition): DrivingContract {
  const tasks: TaskContract[] = [];
  const messages: DrivingContract['messages'] = {};
  const events = new Set<string>(['received']);
  const activities = new Set<string>();
  for (const n of d.nodes) {
    if (n.type === 'userTask') {
      tasks.push({
        id: n.id, name: n.name, roles: n.candidateRoles,
        required: n.form.fields.filter((f) => f.required).map((f) => f.name),
        optional: n.form.fields.filter((f) => !f.required).map((f) => f.name),
        ...(n.due ? { due: n.due.ruleId } : {}),
      });
    } else if ((n.type === 'boundaryEvent' || n.type === 'intermediateCatchEvent') && n.trigger.kind === 'message') {
      const entry = (messages[n.trigger.messageName] ??= { on: [], interrupting: false });
      entry.on.push(n.type === 'boundaryEvent' ? n.attachedTo : n.id);
      entry.interrupting ||= n.type === 'boundaryEvent' && n.interrupting;
    } else if (n.type === 'serviceTask') {
      activities.add(n.activity);
      if (n.activity === 'recordCaseEvent' && n.input.event) events.add(JSON.parse(n.input.event) as string);
    }
  }
  return { key: d.key, version: d.version, tasks, messages, events: [...events].sort(), activities: [...activities].sort(), variables: Object.keys(d.variables).sort() };
}

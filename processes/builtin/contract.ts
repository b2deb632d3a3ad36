/**
 * The driving contract of a definition, derived from its data: the user tasks to complete (ids,
 * roles, form fields, due rule), the messages it reacts to (on which tasks), the case events it
 * records and the activities it calls. Used by scenario tests; docs/reference/driving-contract.md is
 * generated from the same data (scripts/generate-contract.ts), never hand-maintained, so neither drifts.
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
  /** Case events whose date this task's form supplies: pass them as `caseEvents` on completion. */
  caseEvents: { event: string; field: string }[];
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
        id: n.id,
        name: n.name,
        roles: n.candidateRoles,
        required: n.form.fields.filter((f) => f.required).map((f) => f.name),
        optional: n.form.fields.filter((f) => !f.required).map((f) => f.name),
        ...(n.due ? { due: n.due.ruleId } : {}),
        caseEvents: caseEventFields(d, n.id),
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
  return {
    key: d.key,
    version: d.version,
    tasks,
    messages,
    events: [...events].sort(),
    activities: [...activities].sort(),
    variables: Object.keys(d.variables).sort(),
  };
}

/** `recordCaseEvent` nodes: event name and the variable holding its date (`on`). */
function eventNodes(d: ProcessDefinition): { event: string; on: string }[] {
  return d.nodes.flatMap((n) =>
    n.type === 'serviceTask' && n.activity === 'recordCaseEvent' && n.input.event && n.input.on
      ? [{ event: JSON.parse(n.input.event) as string, on: n.input.on }]
      : [],
  );
}

/** Case events whose date is a form field of user task `nodeId`. */
export function caseEventFields(d: ProcessDefinition, nodeId: string): { event: string; field: string }[] {
  const task = d.nodes.find((n) => n.id === nodeId);
  if (task?.type !== 'userTask') return [];
  const fields = new Set(task.form.fields.filter((f) => f.type === 'date').map((f) => f.name));
  const seen = new Set<string>();
  return eventNodes(d)
    .filter((e) => fields.has(e.on) && !seen.has(e.event) && seen.add(e.event))
    .map((e) => ({ event: e.event, field: e.on }));
}

/**
 * The `caseEvents` to pass with the completion of user task `nodeId` (the interpreter starts
 * statutory clocks from `caseEvents[rule.from]`): e.g. completing `accept` with
 * `acceptedOn: '2026-07-03'` yields `{ accepted: '2026-07-03' }`. Undated fields are skipped.
 */
export function caseEventsFor(
  d: ProcessDefinition,
  nodeId: string,
  data: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { event, field } of caseEventFields(d, nodeId)) {
    const v = data[field];
    if (typeof v === 'string' && v !== '') out[event] = v;
  }
  return out;
}

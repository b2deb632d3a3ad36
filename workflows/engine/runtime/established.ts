/**
 * Cases imported already under way (ADR 0027). A case that started in another system comes with
 * the facts already established — task completions with their dates and form data, legal events
 * (extensions, suspensions, resumptions) with theirs — and the runner reaches the step those facts
 * reach by applying them in order through its ordinary operations (`completeTask`,
 * `planLegalEvent` / `applyLegalEvent` / `deliverMessage`), each at the instant of its own date
 * instead of the workflow's time. Between facts no timer fires: a limit the facts show was missed
 * (a due clock whose day ended before the next fact, or before the import) is recorded as a past
 * breach without an escalation ({@link Runner.importBreach}); a limit the facts satisfy is met. The
 * clocks still running at the end continue from the facts. Pure: the workflow runs it with the real
 * activities between the steps, the API with fakes of them to validate and preview (dry run).
 */
import type { DerivationStep } from '../../clock/index.js';
import type { JsonValue } from '../primitives.js';
import { checkedToday, legalEventCheck, legalEventDateProblem, liveBreaches, isoAt } from './clocks.js';
import { msOf, vnDate } from '../../clock/vn-time.js';
import type { CaseLaw } from './case-law.js';
import type { Runner } from './runner.js';
import type { ClockState, RunState } from './types.js';

/** A user task the source system shows completed: on `on`, with the form data that step needs. */
export interface EstablishedTaskStep {
  kind: 'task';
  /** The definition's user task (e.g. `accept`). */
  nodeId: string;
  /** The day the step was completed (YYYY-MM-DD, Vietnam). */
  on: string;
  data: Record<string, JsonValue>;
  /** Case events the completion establishes (the API derives them as for a live completion). */
  caseEvents?: Record<string, string>;
}

/** A legal event the source system shows decided (`suspend`, `resume`, `extend`, ...), with its date. */
export interface EstablishedEventStep {
  kind: 'event';
  name: string;
  date: string;
  amount?: number;
  ruleId?: string;
  decision?: string;
  variables?: Record<string, JsonValue>;
}

export type EstablishedStep = EstablishedTaskStep | EstablishedEventStep;

/** The facts a case is imported with (ProcessInput.established). */
export interface EstablishedFacts {
  /** The source system or file, as the derivations name it ("per source X"). */
  source: string;
  /** The case's id in the source (idempotency key of the import). */
  sourceId: string;
  steps: EstablishedStep[];
}

/** The day a step is dated. */
export const stepDay = (s: EstablishedStep): string => (s.kind === 'task' ? s.on : s.date);

/**
 * The instant a fact dated `day` is applied: noon in Vietnam. A limit ending that day is met by it
 * (the limit ends at 24:00, BLDS 2015 Art 148(1)); one that ended the day before is missed.
 */
export function factInstant(day: string): number {
  return msOf(`${day}T12:00:00`);
}

const CLOCK_EVENTS = ['suspend', 'resume', 'extend'];

/** Marks the state imported (before the first fact). */
export function beginImport(state: RunState, facts: EstablishedFacts): void {
  state.imported = {
    source: facts.source,
    sourceId: facts.sourceId,
    applied: 0,
    steps: facts.steps.length,
    events: ['received'],
  };
}

/** Whether facts remain to be applied. */
export function importing(state: RunState): boolean {
  return state.imported !== undefined && state.imported.done === undefined;
}

/**
 * Records the limits that ran out before `r.now` as past breaches (no escalation) and marks the
 * rungs already past: the due limits of user tasks and the boundary timers that count a statutory
 * clock (e.g. C4a, a letter unprocessed 45 days): such a boundary is recorded, never fired — its
 * escalation path (flag, notices, the head's review) does not run for a limit missed before the
 * case came into this system (issue #13). Returns the rule ids breached.
 */
export function recordPastBreaches(r: Runner): string[] {
  const source = r.state.imported ? `${r.state.imported.source}#${r.state.imported.sourceId}` : 'import';
  const out: string[] = [];
  for (const t of [...r.state.timers]) {
    const past = t.clock !== undefined && t.dueAtMs !== null && t.dueAtMs < r.now;
    if (past && (t.purpose === 'due' || t.purpose === 'boundary')) {
      r.importBreach(t, source);
      out.push(t.clock!.clock.ruleId);
    } else if (t.clock) {
      r.importRungs(t);
    }
  }
  return out;
}

/**
 * The timer events (catch, boundary) from which `nodeId` is reached, that an import never fires: the
 * ones still armed and the boundaries recorded as imported breaches. A fact on a step behind one of
 * them needs the timer to have fired: the row is refused.
 */
function timerGate(r: Runner, nodeId: string): string | undefined {
  const gates = [
    ...r.state.timers.filter((t) => t.purpose !== 'due').map((t) => t.nodeId),
    ...(r.state.breaches ?? [])
      .filter((b) => b.imported && r.graph.node(b.nodeId)?.type === 'boundaryEvent')
      .map((b) => b.nodeId),
  ];
  for (const gate of gates) {
    const seen = new Set<string>([gate]);
    const queue = [gate];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (id === nodeId) return gate;
      for (const f of r.graph.outgoing(id))
        if (!seen.has(f.target)) {
          seen.add(f.target);
          queue.push(f.target);
        }
    }
  }
  return undefined;
}

/** Whether the case runs a statutory clock a legal event may address (as the interpreter's check). */
function hasStatutoryClocks(s: RunState): boolean {
  return (
    s.timers.some((t) => t.clock !== undefined && t.clock.clock.follows === undefined) || liveBreaches(s).length > 0
  );
}

/**
 * Applies fact `i` at its date: past breaches first (the limits that ran out before it), then the
 * task completion or the legal event, through the runner's ordinary operations and the same checks
 * the API's Updates pass (form data and its date rules, the law's limits on legal events). Returns
 * why the fact cannot be applied, naming the field (`established.steps[i].…`), or null when it was.
 * `todayMs`: the real time of the import (dates after today are refused). On a refusal the runner
 * may hold recorded past breaches: the caller discards it (the API) or fails (the workflow).
 */
export function applyEstablishedStep(
  r: Runner,
  step: EstablishedStep,
  i: number,
  todayMs: number,
  law: CaseLaw,
): string | null {
  const at = `established.steps[${i}]`;
  const day = stepDay(step);
  const today = checkedToday(todayMs);
  const imported = r.state.imported;
  if (day > today)
    return `${at}.${step.kind === 'task' ? 'on' : 'date'}: ${day} is in the future (today is ${today} in Vietnam)`;
  const received = r.state.caseEvents.received;
  if (received !== undefined && day < received) {
    return `${at}.${step.kind === 'task' ? 'on' : 'date'}: ${day} is before the case was received (${received})`;
  }
  const previous = r.now > 0 && imported && imported.applied > 0 ? vnDate(r.now) : undefined;
  if (previous !== undefined && day < previous) {
    return `${at}.${step.kind === 'task' ? 'on' : 'date'}: ${day} is before the previous fact (${previous}); facts are listed in the order they happened`;
  }
  r.now = Math.max(r.now, factInstant(day));
  recordPastBreaches(r);
  if (step.kind === 'task') {
    const task = r.state.tasks.find((t) => t.nodeId === step.nodeId && t.status === 'open');
    if (!task) {
      const gate = timerGate(r, step.nodeId);
      if (gate !== undefined) {
        return (
          `${at}.task: '${step.nodeId}' follows the timer '${gate}', which an import never fires ` +
          '(a limit missed before the import is recorded as a past breach, without its escalation)'
        );
      }
      const open = r.state.tasks.filter((t) => t.status === 'open').map((t) => t.nodeId);
      return `${at}.task: '${step.nodeId}' is not open at this point of the case (open: ${open.join(', ') || 'none'})`;
    }
    const problem = r.checkTaskCompletion(task.id, step.data, { today });
    if (problem) return `${at}.data: ${problem}`;
    r.completeTask(task.id, step.data, step.caseEvents ?? {});
    if (imported)
      imported.events.push(...Object.keys(step.caseEvents ?? {}).filter((e) => !imported.events.includes(e)));
  } else {
    const req = {
      name: step.name,
      date: step.date,
      decision: step.decision ?? `${step.name}:${step.date}`,
      ...(step.amount === undefined ? {} : { amount: step.amount }),
      ...(step.ruleId === undefined ? {} : { ruleId: step.ruleId }),
      variables: { eventOn: step.date, ...(step.variables ?? {}) },
    };
    const bad = legalEventDateProblem(r.state.caseEvents, req, today);
    if (bad) return `${at}.${bad}`;
    const refusal = legalEventCheck(r.state, (id) => r.graph.node(id), req, today, law);
    if (refusal) return `${at}: ${refusal.reason}: ${refusal.detail}`;
    const clockEvent = CLOCK_EVENTS.includes(step.name);
    const plan = clockEvent ? r.planLegalEvent(step.name, req) : 'not a clock event';
    if (clockEvent && typeof plan === 'string' && hasStatutoryClocks(r.state))
      return `${at}: '${step.name}' changes no statutory clock: ${plan}`;
    if (typeof plan === 'string' && r.catchers(step.name).length === 0)
      return `${at}.name: '${step.name}' is not expected by the case at this point (${plan})`;
    if (typeof plan !== 'string') r.applyLegalEvent(step.name, req);
    r.deliverMessage(step.name, req.variables);
  }
  if (imported) imported.applied = i + 1;
  return null;
}

/**
 * Ends an import at `nowMs` (the real time): limits that ran out between the last fact and now are
 * past breaches too (the facts show them missed: no fact completed their step), rungs already past
 * are marked, the running clocks are evaluated as of now and the case's history says it was imported.
 * From here the case runs as any other: its running clocks fire when they are due.
 */
export function finishImport(r: Runner, nowMs: number): { breached: string[] } {
  r.now = Math.max(r.now, nowMs);
  const breached = recordPastBreaches(r);
  r.reevaluateAll();
  const imported = r.state.imported;
  if (imported) {
    imported.done = isoAt(r.now);
    const breaches = (r.state.breaches ?? []).filter((b) => b.imported).map((b) => b.ruleId);
    r.note('case_imported', {
      source: imported.source,
      sourceId: imported.sourceId,
      steps: imported.steps,
      pastBreaches: breaches,
    });
  }
  return { breached };
}

/**
 * The derivation of a clock of an imported case: its start step says the start came from the
 * source ("imported: accepted on 03/07/2026 per source X#123 — …").
 */
export function importedDerivation(state: RunState, c: ClockState): DerivationStep[] {
  const imported = state.imported;
  const start = c.clock.startEvent;
  if (!imported || !imported.events.includes(start.name) || state.caseEvents[start.name] !== start.date)
    return c.derivation;
  return c.derivation.map((d, i) =>
    i === 0 && d.kind === 'start'
      ? {
          ...d,
          text: `imported: ${start.name} on ${start.date.slice(8, 10)}/${start.date.slice(5, 7)}/${start.date.slice(0, 4)} per source ${imported.source}#${imported.sourceId} — ${d.text}`,
        }
      : d,
  );
}

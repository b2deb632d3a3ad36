/**
 * The messages a case takes (Updates): a task completion and a legal event. Each is its checks
 * (the Update validator: refused before it enters the history) and its effect on the case.
 */
import type { JsonValue } from '../primitives.js';
import { calendarReachProblem } from '../runtime/calendar-range.js';
import { checkedToday, isClockEvent, legalEventCheck, legalEventDateProblem } from '../runtime/clocks.js';
import { vnDate } from '../../clock/vn-time.js';
import type { CaseMessage, CaseSession, MessageKind, Refusal } from './session.js';

/** A task completion (the `completeTask` Update). */
export interface TaskCompletion extends CaseMessage {
  taskId: string;
  data: Record<string, JsonValue>;
  /** Case events the completion establishes (e.g. `{ accepted: '2026-12-01' }`). */
  caseEvents?: Record<string, string>;
  /** The roles the actor works as: one must be among the task's candidate roles (ADR 0013). */
  actorRoles?: string[];
}

/** A legal event or another message to the case (the `sendMessage` Update). */
export interface LegalEvent extends CaseMessage {
  name: string;
  date?: string;
  decision?: string;
  amount?: number;
  ruleId?: string;
  variables?: Record<string, JsonValue>;
}

/** What a legal event did: elements that caught it, clocks it changed, breaches it superseded. */
export interface LegalEventResult {
  caught: number;
  clocksChanged: number;
  breachesSuperseded: number;
}

export const TASK_COMPLETION: MessageKind<TaskCompletion, { taskId: string }> = {
  textRefusal: 'InvalidFormData',
  dates: (req) => Object.values(req.caseEvents ?? {}),
  validate(s, req, now) {
    // Candidate roles (ADR 0013): the API sends the roles its caller works as.
    if (req.actorRoles !== undefined) {
      const task = s.state.tasks.find((t) => t.id === req.taskId && t.status === 'open');
      if (task && !task.candidateRoles.some((c) => req.actorRoles!.includes(c))) {
        return {
          type: 'TaskRoleMismatch',
          message: `task ${req.taskId} is for the roles ${task.candidateRoles.join(', ')}`,
        };
      }
    }
    const problem = s.runner.checkTaskCompletion(req.taskId, req.data, { today: checkedToday(now) });
    if (problem)
      return { type: problem.startsWith('invalid form') ? 'InvalidFormData' : 'TaskNotOpen', message: problem };
    // The days a clock may count from must fit one calendar snapshot with the case's other dates
    // (today is not one of them: a case's clocks never need the days between their due day and now).
    if (s.state.calendar) {
      for (const [event, date] of Object.entries(req.caseEvents ?? {})) {
        if (typeof date !== 'string') continue;
        const far = calendarReachProblem(
          `caseEvents.${event}`,
          date,
          Object.values(s.state.caseEvents),
          s.calendarSpan,
        );
        if (far !== null) return { type: 'InvalidFormData', message: `invalid form data: ${far}` };
      }
    }
    return null;
  },
  apply(s, req, waited) {
    // Validated in this activation, unless a wider calendar was awaited (ADR 0017): then check again.
    if (waited && s.runner.checkTaskCompletion(req.taskId, req.data) !== null) {
      return { refused: { type: 'TaskNotOpen', message: `task '${req.taskId}' is no longer open` } };
    }
    s.runner.completeTask(req.taskId, req.data, req.caseEvents);
    return { applied: { taskId: req.taskId } };
  },
};

/**
 * What the case's state or the law refuses of a legal event or message (a second suspension, a
 * resumption of a running case, an extension beyond the limits, marking complex twice, a date the
 * law does not allow, a message nothing waits for), or null. Run by the validator and again when
 * the handler had to wait for a wider calendar (the state may have moved: ADR 0008's atomicity).
 */
function legalEventRefusal(s: CaseSession, req: LegalEvent, now: number): Refusal | null {
  const today = checkedToday(now);
  const badDate =
    legalEventDateProblem(s.state.caseEvents, req, today) ??
    (s.state.calendar && req.date !== undefined
      ? calendarReachProblem('date', req.date, Object.values(s.state.caseEvents), s.calendarSpan)
      : null);
  if (badDate !== null) return { type: 'InvalidInput', message: badDate };
  const refusal = legalEventCheck(s.state, (id) => s.graph.node(id), req, vnDate(now), s.law);
  if (refusal !== null) return { type: refusal.reason, message: refusal.detail };
  const clockEvent = isClockEvent(req.name);
  const legal = clockEvent ? s.runner.planLegalEvent(req.name, req) : 'not a clock event';
  // A legal clock event that would change no statutory clock of a case that has some is refused:
  // accepted, it would answer 200 and change nothing (a custom definition without statutory
  // clocks still takes it through its own steps).
  if (clockEvent && typeof legal === 'string' && s.hasStatutoryClocks()) {
    return {
      type: 'NoClockChanged',
      message: `'${req.name}' changes no statutory clock of case ${s.caseId}: ${legal}`,
    };
  }
  if (typeof legal === 'string' && s.runner.catchers(req.name).length === 0) {
    return {
      type: 'MessageNotExpected',
      message: `message '${req.name}' is not expected by case ${s.caseId} now (${legal})`,
    };
  }
  return null;
}

export const LEGAL_EVENT: MessageKind<LegalEvent, LegalEventResult> = {
  textRefusal: 'InvalidInput',
  dates: (req) => [req.date],
  // Refused events never enter the history, even when the definition would catch the message.
  // Atomic: the handler runs right after this validator accepts, so a concurrent second event is
  // validated against the state the first one left (ADR 0008).
  validate: legalEventRefusal,
  apply(s, req, waited) {
    // Validated in this activation, unless a wider calendar was awaited: then check again.
    if (waited) {
      const refused = legalEventRefusal(s, req, s.now);
      if (refused) return { refused };
    }
    let clocksChanged = 0;
    let breachesSuperseded = 0;
    // A clock event changes the clocks first, then the message is delivered to what waits for it.
    if (isClockEvent(req.name)) {
      let plan = s.runner.planLegalEvent(req.name, req);
      // Limits that ran out take the event only where the feature is on (recorded histories: as before).
      const late = typeof plan !== 'string' && plan.some((x) => x.breach !== undefined);
      const withBreaches = !late || s.gates.lateLegalEvents();
      if (!withBreaches) plan = s.runner.planLegalEvent(req.name, req, false);
      if (typeof plan !== 'string') {
        clocksChanged = plan.length;
        breachesSuperseded = s.runner.applyLegalEvent(req.name, req, withBreaches).length;
      }
    }
    const caught = s.runner.deliverMessage(req.name, req.variables ?? {});
    return { applied: { caught, clocksChanged, breachesSuperseded } };
  },
};

/**
 * A case changing agency (the `caseAgencyChanged` signal, ADR 0024): the agency the case is at after
 * the message, or undefined when it does not apply (the case is not at the closed agency any more, or
 * already at the successor). The agency is workflow state, not run state: the message may arrive
 * before the session exists; it is carried over continue-as-new in the input.
 */
export function agencyChange(
  current: string | undefined,
  m: { agencyId: string; fromAgencyId: string },
): string | undefined {
  return m.fromAgencyId !== current || m.agencyId === current ? undefined : m.agencyId;
}

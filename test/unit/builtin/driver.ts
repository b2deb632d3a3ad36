/**
 * A small driver of the built-in definitions on the interpreter's pure case session (no Temporal):
 * the same session code processWorkflow runs (workflows/engine/session, ADR 0021), with service
 * tasks answered by fakes of the documented activities, user tasks completed with form data and the
 * case events `caseEventsFor` derives (as the API sends them), legal events sent as the API sends
 * them — both through the Update validators' checks first. Scenario tests on Temporal reuse the same steps.
 */
import type { JsonValue, ProcessDefinition } from '../../../workflows/engine/index.js';
import { buildRunGraph, initialState, msOf, vnDate, type Runner } from '../../../workflows/engine/runtime/index.js';
import { evaluateInputs } from '../../../workflows/engine/runtime/mappings.js';
import {
  CaseSession,
  checkMessage,
  LEGAL_EVENT,
  TASK_COMPLETION,
  type TaskCompletion,
} from '../../../workflows/engine/session/index.js';
import { LIFECYCLE_LAW } from '../../../processes/case-law.js';
import { buildCalendar } from '../../../calendar/build.js';
import { computeDeadline } from '../../../workflows/clock/index.js';
import { caseEventsFor, validateRepresentatives } from '../../../processes/builtin/index.js';
import { def } from './helpers.js';

const calendar = buildCalendar({ from: '2024-01-01', to: '2030-12-31' });
const CASE_ID = 'case-1';

export class Driver {
  readonly session: CaseSession;
  /** Document types recorded, in order. */
  readonly documents: string[] = [];
  /** The arguments of every recordDocument call, in order (type, dates, extra fields such as a refusal ground). */
  readonly documentArgs: Array<Record<string, JsonValue>> = [];
  /** Activities called, in order (`activity:nodeId`). */
  readonly calls: string[] = [];

  constructor(
    readonly definition: ProcessDefinition,
    receivedOn: string,
    variables: Record<string, JsonValue> = {},
  ) {
    this.session = new CaseSession(
      buildRunGraph(definition),
      initialState({ ...definition.variables, ...variables, caseId: CASE_ID, receivedOn }, { received: receivedOn }),
      { caseId: CASE_ID, law: LIFECYCLE_LAW },
    );
    this.session.state.calendar = calendar;
    this.at(`${receivedOn}T09:00:00`);
    this.session.start();
    this.pump();
  }

  static of(key: string, version: number, receivedOn: string, variables: Record<string, JsonValue> = {}): Driver {
    return new Driver(def(key, version), receivedOn, variables);
  }

  /** The session's token runner. */
  get runner(): Runner {
    return this.session.runner;
  }

  /** Sets the case's clock (Vietnam local time) and fires what is due. */
  at(localIso: string): this {
    this.session.now = msOf(localIso);
    this.session.fireDue();
    this.pump();
    return this;
  }

  /** Node ids of the open user tasks. */
  get open(): string[] {
    return this.session.openTasks().map((t) => t.nodeId);
  }

  /** Due day (YYYY-MM-DD) of the open task `nodeId`. */
  due(nodeId: string): string | undefined {
    return this.session
      .openTasks()
      .find((t) => t.nodeId === nodeId)
      ?.dueAt?.slice(0, 10);
  }

  /**
   * Completes the open user task `nodeId` as the workflow's `completeTask` handler does, with the case
   * events `caseEventsFor` derives (as the API sends them) or, with `withCaseEvents: false`, none (the
   * recordCaseEvent results then date them). The validator's date checks are not run: scenarios here
   * write the dates of acts without moving the driver's clock to them (GrowingSession runs the whole
   * validator); invalid form data still throws.
   */
  complete(nodeId: string, data: Record<string, JsonValue>, opts: { withCaseEvents?: boolean } = {}): this {
    const task = this.session.openTasks().find((t) => t.nodeId === nodeId);
    if (!task) throw new Error(`no open task '${nodeId}' (open: ${this.open.join(', ')})`);
    const req: TaskCompletion = {
      caseId: CASE_ID,
      taskId: task.id,
      data,
      caseEvents: opts.withCaseEvents === false ? {} : caseEventsFor(this.definition, nodeId, data),
    };
    const done = this.session.apply(TASK_COMPLETION, req);
    if ('refused' in done) throw new Error(`refused: ${done.refused.type}: ${done.refused.message}`);
    this.pump();
    return this;
  }

  /**
   * Sends a message as the API does, through the `sendMessage` validator: what the case or the law
   * refuses answers `refused: <reason>: <detail>` (nothing happens), else the number of elements
   * that caught it (a clock event first changes the clocks). The driver's clock does not follow the
   * dates scenarios write: a message dated after it is checked as on its own date (so the rule "not
   * after today" holds by construction; GrowingSession checks it against its clock).
   */
  send(
    name: string,
    payload: { date: string; amount?: number; ruleId?: string; variables?: Record<string, JsonValue> },
  ): string | number {
    const req = {
      caseId: CASE_ID,
      name,
      date: payload.date,
      decision: `${name}-${payload.date}`,
      variables: { eventOn: payload.date, ...(payload.variables ?? {}) },
      ...(payload.amount === undefined ? {} : { amount: payload.amount }),
      ...(payload.ruleId === undefined ? {} : { ruleId: payload.ruleId }),
    };
    const asOf = Math.max(this.session.now, msOf(`${payload.date}T09:00:00`));
    const refused = checkMessage(CASE_ID, this.session, LEGAL_EVENT, req, asOf);
    if (refused) return `refused: ${refused.type}: ${refused.message}`;
    const done = this.session.apply(LEGAL_EVENT, req);
    if ('refused' in done) return `refused: ${done.refused.type}: ${done.refused.message}`;
    this.pump();
    return done.applied.caught;
  }

  /**
   * Answers waiting service tasks with fakes of the activities, and starts the linked cases of call
   * activities that do not wait for them, as the workflow reports them to the session.
   */
  pump(): void {
    for (let guard = 0; guard < 500; guard++) {
      const token = this.session.tokens.find((t) => {
        const n = this.session.graph.node(t.nodeId);
        return n.type === 'serviceTask' || (n.type === 'callActivity' && !n.wait);
      });
      if (!token) return;
      const n = this.session.graph.node(token.nodeId);
      if (n.type !== 'serviceTask' && n.type !== 'callActivity') return;
      const args = evaluateInputs(n.input, this.session.feelScope());
      if (n.type === 'callActivity') {
        this.calls.push(`startCase:${n.calledKey}`);
        this.session.childStarted(token.id, n.id, `case-linked-${token.id}`, `linked-${token.id}`);
        continue;
      }
      this.calls.push(`${n.activity}:${n.id}`);
      this.session.serviceCompleted(token.id, n.id, this.fake(n.activity, args));
    }
    throw new Error('pump: too many service tasks (loop?)');
  }

  private fake(activity: string, args: Record<string, JsonValue>): Record<string, JsonValue> {
    switch (activity) {
      case 'setCaseFlag':
        return { value: args.value ?? null };
      // As activities/lifecycle.ts: `on` or the day of the call.
      case 'recordCaseEvent':
        return { event: args.event ?? null, on: typeof args.on === 'string' ? args.on : vnDate(this.session.now) };
      case 'recordDocument':
        this.documents.push(String(args.type));
        this.documentArgs.push(args);
        return { documentId: `doc-${this.documents.length}` };
      case 'checkRepresentatives': {
        const r = validateRepresentatives(
          (args.signers ?? []) as string[],
          (args.representatives ?? []) as string[],
          typeof args.signerCount === 'number' ? args.signerCount : undefined,
        );
        return { ok: r.ok, massCase: r.massCase, errors: r.ok ? [] : r.errors.map((e) => e.message) };
      }
      case 'checkComplaintLimitation':
        return { expired: false, due: null };
      // As activities/lifecycle.ts computeDeadline: the limit on the (seed) agency calendar; no start -> null.
      case 'computeDeadline':
        return {
          due:
            typeof args.start === 'string'
              ? computeDeadline(
                  {
                    start: args.start,
                    amount: args.amount as number,
                    unit: args.unit as 'calendar_days' | 'working_days',
                  },
                  calendar,
                ).due
              : null,
        };
      default:
        return {};
    }
  }
}

/**
 * A small driver of the built-in definitions on the interpreter's pure token runner (no
 * Temporal): service tasks answered by fakes of the documented activities, user tasks completed
 * with form data and the case events `caseEventsFor` derives, legal events sent as the workflow
 * sends them (clock first, then the message). Scenario tests on Temporal reuse the same steps.
 */
import { evaluateExpression, type JsonValue, type ProcessDefinition } from '../../../workflows/engine/index.js';
import { buildRunGraph, initialState, msOf, Runner, vnDate } from '../../../workflows/engine/runtime/index.js';
import { legalEventRefusal, recordedCaseEvent } from '../../../workflows/engine/runtime/clocks.js';
import { buildCalendar } from '../../../calendar/build.js';
import { computeDeadline } from '../../../workflows/clock/index.js';
import { caseEventsFor, validateRepresentatives } from '../../../processes/builtin/index.js';
import { def } from './helpers.js';

const calendar = buildCalendar({ from: '2024-01-01', to: '2030-12-31' });

export class Driver {
  readonly runner: Runner;
  /** Document types recorded, in order. */
  readonly documents: string[] = [];
  /** The arguments of every recordDocument call, in order (type, dates, extra fields such as a refusal ground). */
  readonly documentArgs: Array<Record<string, JsonValue>> = [];
  /** Activities called, in order (`activity:nodeId`). */
  readonly calls: string[] = [];

  constructor(readonly definition: ProcessDefinition, receivedOn: string, variables: Record<string, JsonValue> = {}) {
    this.runner = new Runner(
      buildRunGraph(definition),
      initialState({ ...definition.variables, ...variables, caseId: 'case-1', receivedOn }, { received: receivedOn }),
    );
    this.runner.state.calendar = calendar;
    this.at(`${receivedOn}T09:00:00`);
    this.runner.start();
    this.pump();
  }

  static of(key: string, version: number, receivedOn: string, variables: Record<string, JsonValue> = {}): Driver {
    return new Driver(def(key, version), receivedOn, variables);
  }

  /** Sets the runner's clock (Vietnam local time) and fires what is due. */
  at(localIso: string): this {
    this.runner.now = msOf(localIso);
    this.runner.fireDue();
    this.pump();
    return this;
  }

  /** Node ids of the open user tasks. */
  get open(): string[] {
    return this.runner.state.tasks.filter((t) => t.status === 'open').map((t) => t.nodeId);
  }

  /** Due day (YYYY-MM-DD) of the open task `nodeId`. */
  due(nodeId: string): string | undefined {
    return this.runner.state.tasks.find((t) => t.status === 'open' && t.nodeId === nodeId)?.dueAt?.slice(0, 10);
  }

  /**
   * Completes the open user task `nodeId`, with the case events `caseEventsFor` derives (as the
   * API does) or, with `withCaseEvents: false`, none (the recordCaseEvent results then date them).
   */
  complete(nodeId: string, data: Record<string, JsonValue>, opts: { withCaseEvents?: boolean } = {}): this {
    const task = this.runner.state.tasks.find((t) => t.status === 'open' && t.nodeId === nodeId);
    if (!task) throw new Error(`no open task '${nodeId}' (open: ${this.open.join(', ')})`);
    this.runner.completeTask(task.id, data, opts.withCaseEvents === false ? {} : caseEventsFor(this.definition, nodeId, data));
    this.pump();
    return this;
  }

  /**
   * Sends a message as the interpreter does: what the law refuses is refused up front (the
   * Update validator; nothing happens), else a clock event first (if any clock takes it), then delivery.
   */
  send(name: string, payload: { date: string; amount?: number; ruleId?: string; variables?: Record<string, JsonValue> }): string | number {
    const legal = { date: payload.date, decision: `${name}-${payload.date}`, ...(payload.amount ? { amount: payload.amount } : {}), ...(payload.ruleId ? { ruleId: payload.ruleId } : {}) };
    const upFront = legalEventRefusal(this.runner.state, (id) => this.definition.nodes.find((n) => n.id === id), { name, ...legal, ...(payload.variables ? { variables: payload.variables } : {}) }, vnDate(this.runner.now));
    if (upFront !== null) return `refused: ${upFront}`;
    let refusal: string | undefined;
    if (['suspend', 'resume', 'extend'].includes(name)) {
      const plan = this.runner.planLegalEvent(name, legal);
      if (typeof plan === 'string') refusal = plan;
      else this.runner.applyLegalEvent(name, legal);
    }
    const caught = this.runner.deliverMessage(name, { eventOn: payload.date, ...(payload.variables ?? {}) });
    this.pump();
    return refusal ?? caught;
  }

  /** Answers waiting service tasks (and non-awaited call activities) with fakes of the activities. */
  pump(): void {
    for (let guard = 0; guard < 500; guard++) {
      const token = this.runner.tokens.find((t) => {
        const n = this.definition.nodes.find((x) => x.id === t.nodeId);
        return n?.type === 'serviceTask' || (n?.type === 'callActivity' && !n.wait);
      });
      if (!token) return;
      const n = this.definition.nodes.find((x) => x.id === token.nodeId)!;
      if (n.type !== 'serviceTask' && n.type !== 'callActivity') return;
      const scope = this.runner.feelScope();
      const args: Record<string, JsonValue> = {};
      for (const [k, e] of Object.entries(n.input)) args[k] = evaluateExpression(e, scope);
      const result = n.type === 'serviceTask' ? this.fake(n.activity, args) : {};
      if (n.type === 'serviceTask') this.calls.push(`${n.activity}:${n.id}`);
      else this.calls.push(`startCase:${n.calledKey}`);
      const out: Record<string, JsonValue> = {};
      for (const [v, path] of Object.entries(n.type === 'serviceTask' ? n.output : {})) out[v] = path === '$' ? result : (result[path] ?? null);
      // As processWorkflow: a recordCaseEvent result dates its case event.
      if (n.type === 'serviceTask') Object.assign(this.runner.state.caseEvents, recordedCaseEvent(n.activity, result));
      this.runner.completeToken(token.id, out, 'activity_completed');
    }
    throw new Error('pump: too many service tasks (loop?)');
  }

  private fake(activity: string, args: Record<string, JsonValue>): Record<string, JsonValue> {
    switch (activity) {
      case 'setCaseFlag': return { value: args.value ?? null };
      // As activities/lifecycle.ts: `on` or the day of the call.
      case 'recordCaseEvent': return { event: args.event ?? null, on: typeof args.on === 'string' ? args.on : vnDate(this.runner.now) };
      case 'recordDocument': this.documents.push(String(args.type)); this.documentArgs.push(args); return { documentId: `doc-${this.documents.length}` };
      case 'checkRepresentatives': {
        const r = validateRepresentatives((args.signers ?? []) as string[], (args.representatives ?? []) as string[], typeof args.signerCount === 'number' ? args.signerCount : undefined);
        return { ok: r.ok, massCase: r.massCase, errors: r.ok ? [] : r.errors.map((e) => e.message) };
      }
      case 'checkComplaintLimitation': return { expired: false, due: null };
      // As activities/lifecycle.ts computeDeadline: the limit on the (seed) agency calendar; no start -> null.
      case 'computeDeadline': return {
        due: typeof args.start === 'string'
          ? computeDeadline({ start: args.start, amount: args.amount as number, unit: args.unit as 'calendar_days' | 'working_days' }, calendar).due
          : null,
      };
      default: return {};
    }
  }
}

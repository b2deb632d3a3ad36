/**
 * The import of a case under way, run on the pure token runner before anything is written (ADR
 * 0027): the same code the workflow runs (`applyEstablishedStep`, `finishImport`), with the service
 * tasks answered as the lifecycle activities answer them but writing nothing. It validates the
 * facts against the pinned definition (each step open when its fact comes, its form data and date
 * rules, the law's limits on legal events) and computes the step reached, the clocks and the past
 * breaches — the dry run's answer, and the check every row passes before its workflow starts.
 */
import { complaintLimitation, nodeLabel, validateRepresentatives } from '../../processes/builtin/index.js';
import { addDays, computeDeadline, isIsoDate, type CalendarSnapshot } from '../../workflows/clock/index.js';
import { evaluateExpression, type JsonValue, type ProcessDefinition } from '../../workflows/engine/index.js';
import {
  applyEstablishedStep,
  beginImport,
  buildRunGraph,
  buildView,
  factInstant,
  finishImport,
  initialState,
  Runner,
  vnDate,
  type BreachView,
  type ClockView,
  type EstablishedFacts,
} from '../../workflows/engine/runtime/index.js';
import { recordedCaseEvent } from '../../workflows/engine/runtime/clocks.js';
import { LIFECYCLE_LAW } from '../../processes/case-law.js';

/** What an import reaches: the open steps with their limits, the clocks, the past breaches. */
export interface ImportPreview {
  status: string;
  stage: string;
  openTasks: Array<{ nodeId: string; name: string; nameLabel: string; dueAt: string | null }>;
  clocks: ClockView[];
  /** Limits the facts show were missed: recorded on the case, not escalated. */
  pastBreaches: BreachView[];
  caseEvents: Record<string, string>;
}

export type SimulationResult = { ok: true; preview: ImportPreview } | { ok: false; field: string; message: string };

/** A calendar snapshot over a range (the stored agency calendar, as the worker's activity serves it). */
export type CalendarSource = (from: string, to: string) => Promise<CalendarSnapshot>;

const MAX_SERVICE_STEPS = 500;

/** The answer of a lifecycle activity without its write (activities/lifecycle.ts). */
async function answer(
  activity: string,
  args: Record<string, JsonValue>,
  now: number,
  calendar: CalendarSource,
): Promise<Record<string, JsonValue>> {
  const day = (v: JsonValue | undefined) =>
    typeof v === 'string' && isIsoDate(v.slice(0, 10)) ? v.slice(0, 10) : null;
  switch (activity) {
    case 'setCaseFlag':
      return { flag: args.flag ?? null, value: args.value ?? null };
    case 'recordCaseEvent':
      return { event: args.event ?? null, on: day(args.on) ?? vnDate(now) };
    case 'recordDocument':
      return { documentId: 'dry-run', type: args.type ?? null, kind: 'document' };
    case 'checkRepresentatives': {
      const list = (v: JsonValue | undefined) =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      const count =
        typeof args.signerCount === 'number' && Number.isInteger(args.signerCount) ? args.signerCount : undefined;
      const r = validateRepresentatives(list(args.signers), list(args.representatives), count);
      return { ok: r.ok, massCase: r.massCase, allowed: r.allowed, errors: r.ok ? [] : r.errors.map((e) => e.message) };
    }
    case 'checkComplaintLimitation': {
      const knownOn = day(args.knownOn);
      if (!knownOn) return { expired: false, due: null, legalBasis: 'Luật Khiếu nại 2011 Art 9' };
      const tolledDays = typeof args.tolledDays === 'number' ? args.tolledDays : 0;
      const cal = await calendar(addDays(knownOn, -31), addDays(knownOn, 400 + Math.max(0, tolledDays)));
      const r = complaintLimitation({ knownOn, lodgedOn: day(args.lodgedOn) ?? vnDate(now), tolledDays }, cal);
      return { expired: r.expired, due: r.due, legalBasis: r.legalBasis };
    }
    case 'computeDeadline': {
      const start = day(args.start);
      if (!start || typeof args.amount !== 'number') return { due: null };
      const unit = args.unit === 'working_days' ? 'working_days' : 'calendar_days';
      const cal = await calendar(addDays(start, -31), addDays(start, 3 * args.amount + 60));
      return { due: computeDeadline({ start, amount: args.amount, unit }, cal).due };
    }
    default:
      return {};
  }
}

/** Runs the service tasks (and linked cases started without waiting) the runner rests on, as the workflow would. */
async function settle(r: Runner, definition: ProcessDefinition, calendar: CalendarSource): Promise<void> {
  for (let guard = 0; guard < MAX_SERVICE_STEPS; guard++) {
    const token = r.tokens.find((t) => {
      const n = r.graph.node(t.nodeId);
      return n.type === 'serviceTask' || (n.type === 'callActivity' && !n.wait && t.childWorkflowId === undefined);
    });
    if (!token) return;
    const n = definition.nodes.find((x) => x.id === token.nodeId)!;
    if (n.type === 'callActivity') {
      r.completeToken(token.id, {}, 'child_started');
      continue;
    }
    if (n.type !== 'serviceTask') return;
    const scope = r.feelScope();
    const args: Record<string, JsonValue> = {};
    for (const [k, e] of Object.entries(n.input)) args[k] = evaluateExpression(e, scope);
    const result = await answer(n.activity, args, r.now, calendar);
    const out: Record<string, JsonValue> = {};
    for (const [v, path] of Object.entries(n.output)) out[v] = path === '$' ? result : (result[path] ?? null);
    Object.assign(r.state.caseEvents, recordedCaseEvent(n.activity, result));
    r.completeToken(token.id, out, 'activity_completed');
  }
  throw new Error('the definition did not settle (service tasks in a loop?)');
}

/**
 * Applies `facts` to a new case of `definition` (initial `variables` and `caseEvents` as the workflow
 * gets them) at `nowMs`, on a calendar covering every date of the case. Nothing is written.
 */
export async function simulateImport(a: {
  definition: ProcessDefinition;
  caseId: string;
  caseType: string;
  variables: Record<string, JsonValue>;
  caseEvents: Record<string, string>;
  facts: EstablishedFacts;
  nowMs: number;
  calendar: CalendarSource;
}): Promise<SimulationResult> {
  const received = a.caseEvents.received!;
  const snapshot = await a.calendar(
    addDays(received, -31),
    addDays(vnDate(a.nowMs) > received ? vnDate(a.nowMs) : received, 1100),
  );
  const state = initialState({ ...a.definition.variables, ...a.variables }, a.caseEvents);
  state.calendar = snapshot;
  const r = new Runner(buildRunGraph(a.definition), state, { caseId: a.caseId, caseType: a.caseType });
  beginImport(state, a.facts);
  r.now = factInstant(received);
  try {
    r.start();
    await settle(r, a.definition, a.calendar);
    for (const [i, step] of a.facts.steps.entries()) {
      if (r.state.status !== 'running') {
        return {
          ok: false,
          field: `established.steps[${i}]`,
          message: `the case already ended (${r.state.outcome ?? r.state.status}) before this fact`,
        };
      }
      const problem = applyEstablishedStep(r, step, i, a.nowMs, LIFECYCLE_LAW);
      if (problem) {
        const field = /^[^:\s]+/.exec(problem)?.[0] ?? `established.steps[${i}]`;
        return { ok: false, field, message: problem };
      }
      await settle(r, a.definition, a.calendar);
    }
    finishImport(r, a.nowMs);
    await settle(r, a.definition, a.calendar);
  } catch (err) {
    return {
      ok: false,
      field: 'established',
      message: `the facts cannot be applied to ${a.definition.key}@${a.definition.version}: ${(err as Error).message}`,
    };
  }
  const view = buildView(
    a.caseId,
    `${a.definition.key}@${a.definition.version}`,
    r.state,
    (id) => r.graph.node(id).name ?? id,
    undefined,
    (id) => ['userTask', 'serviceTask', 'callActivity'].includes(r.graph.node(id).type),
  );
  return {
    ok: true,
    preview: {
      status: view.status,
      stage: view.stage,
      openTasks: view.openTasks.map((t) => ({
        nodeId: t.nodeId,
        name: t.name,
        nameLabel: nodeLabel(t.name),
        dueAt: t.dueAt ?? null,
      })),
      clocks: view.clocks.filter((c) => c.kind === 'clock'),
      pastBreaches: (view.breaches ?? []).filter((b) => b.imported),
      caseEvents: view.caseEvents,
    },
  };
}

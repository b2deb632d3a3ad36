/**
 * processWorkflow: ONE generic workflow that runs any valid process definition. The pure case
 * session (engine/session, over the token runner of engine/runtime) decides what happens; this file
 * only adds the Temporal effects (ADR 0021): Update and signal handlers wired to the session's
 * messages, activities and linked cases for its waiting tokens, timers via condition(), the calendar
 * snapshot fetched and widened, search attributes, projections, continue-as-new and the patched()
 * gates that keep recorded histories replaying.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  caseWorkflowId,
  childCompleted,
  childEscalated,
  completeTask,
  getCaseState,
  SA,
  sendMessage,
  type CarriedState,
  type ProcessInput,
  type ProcessResult,
  type WorkflowAuditEntry,
} from './contract.js';
import { addDays } from './clock/index.js';
import { hashDefinition, type JsonValue, type ProcessDefinition } from './engine/index.js';
import {
  buildRunGraph,
  buildView,
  CALENDAR_LEAD_DAYS,
  CALENDAR_SPAN_DAYS,
  initialState,
  RuntimeIncident,
  unionRange,
  type DayRange,
} from './engine/runtime/index.js';
import {
  agencyChange,
  CaseSession,
  checkMessage,
  LEGAL_EVENT,
  TASK_COMPLETION,
  type Applied,
  type FeatureGates,
  type LegalEventResult,
  type Refusal,
} from './engine/session/index.js';
import {
  calendarChangedSignal,
  evaluateInputs,
  mapOutputs,
  searchAttributeUpdates,
  toRetryPolicy,
  usesClocks,
  type SearchAttributeValues,
} from './interpreter-support.js';
import { caseAgencyChanged } from './directory-contract.js';
import { factInstant, stepDay } from './engine/runtime/established.js';
import { LIFECYCLE_LAW } from '../processes/case-law.js';
import { vnDate } from './clock/vn-time.js';

/** patched() id: a `recordCaseEvent` result sets the case event (clocks armed after it count from its day). */
const PATCH_CASE_EVENTS = 'kntc-case-events-from-activity-v1';

/**
 * patched() ids: command sequences that differ from histories recorded before these features
 * (test/histories/*.json and every running case) are taken only by new executions.
 */
const PATCH_SEARCH_ATTRIBUTES = 'kntc-search-attributes-v1';
const PATCH_CANCEL_LINKED = 'kntc-cancel-interrupted-linked-cases-v1';
/**
 * patched() id: a task completion answers once the case has moved on to its next wait (the automated
 * steps after the task done), so its `openTasks` are the case's new open tasks (ADR 0019).
 */
const PATCH_COMPLETION_SETTLES = 'kntc-completion-answers-after-next-step-v1';
/** patched() id: the stage search attribute names the work step in progress, not a waiting window (ADR 0019). */
const PATCH_STAGE_WORK = 'kntc-stage-is-work-step-v1';
/**
 * patched() id: a suspension / extension dated within a limit that already ran out applies to it
 * (the breach is superseded when the limit now ends later); before, such an event changed no clock.
 */
const PATCH_LATE_LEGAL_EVENTS = 'kntc-late-legal-events-v1';
/** patched() id: a case that needs a calendar day its snapshot lacks fetches a wider one (ADR 0017) instead of failing. */
const PATCH_CALENDAR_ON_DEMAND = 'kntc-calendar-on-demand-v1';
/**
 * patched() id: a case takes the agency a `caseAgencyChanged` message names (its agency was closed:
 * ADR 0024). A history recorded while the message had no handler (it was dropped) replays without it.
 */
const PATCH_AGENCY_CHANGE = 'kntc-case-agency-change-v1';
/**
 * patched() id: a case started with established facts (an import, ADR 0027) applies them at their
 * dates before it runs on. Only inputs that carry `established` reach it.
 */
const PATCH_IMPORT = 'kntc-import-established-v1';
/** Service tasks that notify: skipped (recorded as imported history) while an imported case applies its facts. */
const IMPORT_SKIPPED_ACTIVITIES = ['recordNotification', 'notify'];

const infra = proxyActivities<Pick<Activities, 'getCalendarSnapshot' | 'projectCaseState' | 'resolveDefinition'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** Start-to-close timeout of a service task's activity attempt (issue 11.10). */
const SERVICE_TASK_TIMEOUT = '30 seconds';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Generic service-task activities: (mapped input, context) -> result. */
type ServiceActivity = (
  input: Record<string, JsonValue>,
  ctx: { caseId: string; nodeId: string; tokenId: string },
) => Promise<unknown>;

/** Maps runner incidents (bad data, impossible moves) to non-retryable business failures. */
function asFailure(err: unknown): unknown {
  if (err instanceof RuntimeIncident)
    return ApplicationFailure.nonRetryable(err.message, err.code, { nodeId: err.nodeId ?? null });
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof Error && !isCancellation(err)) return ApplicationFailure.nonRetryable(err.message, err.name);
  return err;
}

/**
 * Integrity check of the pinned definition: its content hash must equal the pin. Validity is
 * checked where definitions enter the system (validateDefinition at registration / selection,
 * before pinning); re-validating here would cost ~5 ms of zod + FEEL parsing per case start in
 * the sandbox, and anything malformed still surfaces as a RuntimeIncident -> ApplicationFailure.
 */
function checkDefinition(input: ProcessInput): ProcessDefinition {
  const definition = input.definition;
  if (!definition || !Array.isArray(definition.nodes) || !Array.isArray(definition.flows)) {
    throw ApplicationFailure.nonRetryable(`input of case ${input.caseId} carries no definition`, 'InvalidDefinition');
  }
  const hash = hashDefinition(definition);
  if (hash !== input.pin.hash || definition.key !== input.pin.key || definition.version !== input.pin.version) {
    throw ApplicationFailure.nonRetryable(
      `definition does not match its pin ${input.pin.label} (hash ${hash})`,
      'PinMismatch',
    );
  }
  return definition;
}

/** Runs one case of a pinned process definition to its end. */
export async function processWorkflow(input: ProcessInput): Promise<ProcessResult> {
  const definition = checkDefinition(input);
  let graph: ReturnType<typeof buildRunGraph>;
  try {
    graph = buildRunGraph(definition);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(String(err), 'InvalidDefinition');
  }
  // Interruptible service tasks (boundary events, interrupting process handlers) run in a
  // cancellation scope; others do not pay for one (scopes capture stack traces in the sandbox).
  // A terminate end event can interrupt any of them.
  const terminates = definition.nodes.some((n) => n.type === 'endEvent' && n.terminate === true);
  const interruptible = (nodeId: string) =>
    terminates ||
    graph.boundaries(nodeId).length > 0 ||
    graph.escalationStarts.some((s) => s.trigger?.interrupting !== false);
  const opts = input.options ?? {};
  const project = opts.project !== false;
  const runs = (input.carried?.runs ?? 0) + 1;
  let projectionSeq = input.carried?.projectionSeq ?? 0;
  const nodeName = (id: string) => {
    const n = graph.node(id);
    return n.name ?? n.id;
  };
  /** The work steps a stage names first: a person's task, an automated step, a linked case (ADR 0019). */
  const isWork = (id: string) => {
    const t = graph.node(id).type;
    return t === 'userTask' || t === 'serviceTask' || t === 'callActivity';
  };
  // Behaviour recorded histories predate: asked by the session only where it makes a difference.
  const gates: FeatureGates = {
    lateLegalEvents: () => patched(PATCH_LATE_LEGAL_EVENTS),
    caseEventsFromResults: () => patched(PATCH_CASE_EVENTS),
  };

  // Assigned once the calendar is fetched; handlers registered before that see `undefined`.
  // eslint-disable-next-line prefer-const
  let session: CaseSession | undefined;
  let wake = false;
  let version = 0;
  let calendarDirty = false;
  let failure: unknown;
  const inflight = new Map<string, CancellationScope | undefined>();
  const launched = new Set<string>();
  // Audit entries of applied Updates, appended by the next projection (ADR 0013); carried over continue-as-new.
  const pendingAudits: WorkflowAuditEntry[] = [...(input.carried?.audits ?? [])];
  /** The case's agency: the input's, until a closed agency's successor takes the case over (ADR 0024). */
  let agencyId = input.agencyId;

  const touch = () => {
    wake = true;
    version += 1;
  };
  // While an imported case applies its facts (ADR 0027), its steps happen at the facts' dates, not now.
  let importNow: number | undefined;
  const act = <T>(fn: (s: CaseSession) => T): T => {
    if (!session) throw ApplicationFailure.nonRetryable('the case is still starting', 'CaseStarting');
    session.now = importNow ?? Date.now();
    try {
      return fn(session);
    } catch (err) {
      failure ??= asFailure(err);
      throw failure;
    } finally {
      touch();
    }
  };
  const reject = (type: string, message: string): never => {
    throw ApplicationFailure.nonRetryable(message, type);
  };
  /** An Update validator: the session's checks; a refusal never enters the history. Not run on replay. */
  const refuse = (refusal: Refusal | null): void => {
    if (refusal) reject(refusal.type, refusal.message);
  };

  // ---- the calendar grows on demand (ADR 0017) ------------------------------------------------
  const span = opts.calendarDays ?? CALENDAR_SPAN_DAYS;
  let widening: Promise<void> | undefined;
  /**
   * Undefined when the calendar snapshot covers the days needed around `dates` (the common case:
   * nothing awaited, so the commands of recorded histories are unchanged); else the promise of a
   * wider snapshot, fetched through the calendar activity (recorded in history: replay is
   * deterministic) and set on the session, which recomputes the clocks with it.
   */
  const ensureCalendar = (dates: readonly unknown[]): Promise<void> | undefined => {
    if (!session?.calendarNeeded(dates)) return undefined;
    if (widening) return widening.then(() => ensureCalendar(dates));
    if (!patched(PATCH_CALENDAR_ON_DEMAND)) return undefined;
    widening = infra
      .getCalendarSnapshot(session.calendarNeeded(dates)!)
      .then((cal) => {
        act((s) => s.setCalendar(cal));
      })
      .finally(() => {
        widening = undefined;
      });
    return widening;
  };
  /**
   * {@link act} for operations that may need calendar days (tasks, messages, activity results,
   * timers): the calendar first covers `dates` and today; an operation that still needs a day the
   * snapshot lacks is undone (CaseSession.attempt), the snapshot widened and the operation run
   * again (`fn` gets `waited: true` when anything was awaited: the state may have moved meanwhile).
   * Synchronous when nothing is missing.
   */
  const actGrowing = <T>(
    fn: (s: CaseSession, waited: boolean) => T,
    dates: readonly unknown[] = [],
    waited = false,
  ): T | Promise<T> => {
    const pending = ensureCalendar([...dates, vnDate(Date.now())]);
    if (pending) return pending.then(() => actGrowing(fn, dates, true));
    if (!session) throw ApplicationFailure.nonRetryable('the case is still starting', 'CaseStarting');
    const s = session;
    s.now = importNow ?? Date.now();
    try {
      const done = s.attempt(() => fn(s, waited));
      if ('value' in done) return done.value;
      const grown = ensureCalendar([done.missingDay]);
      if (grown) return grown.then(() => actGrowing(fn, dates, true));
      failure ??= asFailure(done.error);
      throw failure;
    } catch (err) {
      failure ??= asFailure(err);
      throw failure;
    } finally {
      touch();
    }
  };
  /** Runs an operation whose failure only the main loop reports (callbacks, signal handlers). */
  const inBackground = (r: unknown): void => {
    if (r instanceof Promise)
      r.catch((err) => {
        failure ??= asFailure(err);
        wake = true;
      });
  };

  setHandler(getCaseState, () => buildView(input.caseId, input.pin.label, session?.state, nodeName, undefined, isWork));
  /**
   * The case waits for a person, a date, a message or a linked case — no automated step (service
   * task, linked case being started) is under way — or it ended or failed.
   */
  /** Completions waiting for the case to settle (ADR 0019). */
  let settling = 0;
  const settled = () =>
    !session || session.state.status !== 'running' || failure !== undefined || session.automatedStepsDone();
  setHandler(
    completeTask,
    async (req) => {
      const applied = actGrowing((s, waited) => s.apply(TASK_COMPLETION, req, waited), TASK_COMPLETION.dates(req));
      // Synchronous unless the calendar had to grow: recorded histories see the same activations.
      const outcome = applied instanceof Promise ? await applied : applied;
      if ('refused' in outcome) reject(outcome.refused.type, outcome.refused.message);
      if (req.audit && project) pendingAudits.push(req.audit);
      // Answer after the next step (ADR 0019): the activities the completion started have run and the
      // tasks they lead to are open. Only executions past the patch wait: a recorded history answered at once.
      if (!settled() && patched(PATCH_COMPLETION_SETTLES)) {
        // While it waits the main loop must not continue as new (it would wait for this handler,
        // which waits for the steps the loop launches): see shouldContinueAsNew.
        settling += 1;
        try {
          await condition(settled);
        } finally {
          settling -= 1;
        }
      }
      return { taskId: req.taskId, openTasks: session!.openTasks() };
    },
    {
      validator: (req) => refuse(checkMessage(input.caseId, session, TASK_COMPLETION, req, Date.now())),
    },
  );
  setHandler(
    sendMessage,
    (req) => {
      const applied = actGrowing((s, waited) => s.apply(LEGAL_EVENT, req, waited), LEGAL_EVENT.dates(req));
      const answer = (outcome: Applied<LegalEventResult>) => {
        if ('refused' in outcome) return reject(outcome.refused.type, outcome.refused.message);
        const { caught, clocksChanged, breachesSuperseded } = outcome.applied;
        if (req.audit && project) {
          pendingAudits.push({
            ...req.audit,
            after: {
              ...req.audit.after,
              caught,
              clocksChanged,
              ...(breachesSuperseded > 0 ? { breachesSuperseded } : {}),
            },
          });
        }
        return { caught, clocksChanged, ...(breachesSuperseded > 0 ? { breachesSuperseded } : {}) };
      };
      return applied instanceof Promise ? applied.then(answer) : answer(applied);
    },
    {
      validator: (req) => refuse(checkMessage(input.caseId, session, LEGAL_EVENT, req, Date.now())),
    },
  );
  setHandler(calendarChangedSignal, () => {
    calendarDirty = true;
    wake = true;
  });
  setHandler(caseAgencyChanged, (m) => {
    // Only a message about the agency the case is at; the projection, search attribute and linked cases follow.
    // The session's rule (engine/session/messages.ts); patched() only when the message applies, as recorded.
    const next = agencyChange(agencyId, m);
    if (next === undefined || !patched(PATCH_AGENCY_CHANGE)) return;
    agencyId = next;
    upsertSearchAttributes([{ key: SA.agencyId, value: next }]);
    touch();
  });
  setHandler(childCompleted, (c) => {
    const output = session?.noteChildCompleted(c);
    if (output !== undefined) inBackground(actGrowing((s) => s.childCompleted(c.tokenId, output)));
  });
  setHandler(childEscalated, (c) => {
    if (!session?.awaitsChild(c.tokenId, c.workflowId)) return;
    inBackground(actGrowing((s) => s.childEscalated(c.tokenId, c.code)));
  });

  // ---- calendar ------------------------------------------------------------------------------
  const state =
    input.carried?.state ?? initialState({ ...definition.variables, ...(input.variables ?? {}) }, input.caseEvents);
  const fetchCalendar = async () => {
    const dates = Object.values(state.caseEvents).sort();
    const from = addDays(dates[0] ?? vnDate(Date.now()), -CALENDAR_LEAD_DAYS);
    const base: DayRange = { from, to: addDays(from, span) };
    // A snapshot grown on demand stays as wide when the calendar changes (same range otherwise).
    const held = state.calendar;
    return infra.getCalendarSnapshot(held ? unionRange({ from: held.from, to: held.to }, base) : base);
  };
  if (usesClocks(definition) && !state.calendar) state.calendar = await fetchCalendar();

  session = new CaseSession(graph, state, {
    caseId: input.caseId,
    law: LIFECYCLE_LAW,
    gates,
    scope: { caseId: input.caseId, caseType: input.caseType },
    calendarSpan: span,
  });
  const facts = input.established;
  if (!input.carried && facts !== undefined && patched(PATCH_IMPORT)) session.beginImport(facts);
  // An imported case starts on its receipt day; its facts follow at their dates.
  if (session.importing()) importNow = factInstant(state.caseEvents.received ?? vnDate(Date.now()));
  session.now = importNow ?? Date.now();
  if (!input.carried) {
    // A clock armed at the start may need days beyond the first snapshot: widen it and start again.
    for (;;) {
      let started: ReturnType<CaseSession['attempt']>;
      try {
        started = session.attempt(() => session!.start());
      } catch (err) {
        throw asFailure(err);
      }
      if ('value' in started) break;
      const grown = ensureCalendar([started.missingDay]);
      if (!grown) throw asFailure(started.error);
      await grown;
      session.now = importNow ?? Date.now();
    }
  }
  version += 1;

  // ---- effects of waiting tokens ---------------------------------------------------------------
  const launchService = (tokenId: string, nodeId: string) => {
    const node = graph.node(nodeId);
    if (node.type !== 'serviceTask') return;
    if (session!.importing() && IMPORT_SKIPPED_ACTIVITIES.includes(node.activity)) {
      // A notification of a step the facts of an imported case establish (ADR 0027) is history: it was
      // (or was not) sent by the source system; delivering it now would notify for the past. Recorded
      // as skipped, the activity is not called. Only imported inputs (patched kntc-import-established-v1).
      launched.add(tokenId);
      void Promise.resolve().then(() =>
        inBackground(
          actGrowing((s) => {
            s.runner.note('notification_skipped', { activity: node.activity, reason: 'imported history' }, nodeId);
            s.runner.completeToken(
              tokenId,
              mapOutputs(node.output, { skipped: true, importedHistory: true }),
              'notification_skipped',
            );
          }),
        ),
      );
      return;
    }
    const args = evaluateInputs(node.input, session!.feelScope());
    // Service tasks are short database writes: 30 s, not minutes, is how long a task whose worker died (kill -9, a
    // crash) waits before its retry runs on another worker. Timeouts are no part of replay's determinism checks.
    const acts = proxyActivities<Record<string, ServiceActivity>>({
      startToCloseTimeout: SERVICE_TASK_TIMEOUT,
      retry: toRetryPolicy(node.retry),
    });
    const call = () => acts[node.activity]!(args, { caseId: input.caseId, nodeId, tokenId });
    let promise: Promise<unknown>;
    if (interruptible(nodeId)) {
      const scope = new CancellationScope();
      inflight.set(tokenId, scope);
      promise = scope.run(call);
    } else {
      inflight.set(tokenId, undefined);
      promise = call();
    }
    promise.then(
      (result) => {
        inflight.delete(tokenId);
        // The case event a recordCaseEvent task recorded is dated by its result (the calendar covers it first).
        const recorded = session!.recordedBy(nodeId, result);
        inBackground(actGrowing((s) => s.serviceCompleted(tokenId, nodeId, result), Object.values(recorded)));
      },
      (err) => {
        inflight.delete(tokenId);
        if (!isCancellation(err)) {
          failure ??= err;
          wake = true;
        }
      },
    );
  };

  const launchChild = async (tokenId: string, nodeId: string) => {
    const node = graph.node(nodeId);
    if (node.type !== 'callActivity') return;
    const args = evaluateInputs(node.input, session!.feelScope());
    const today = vnDate(Date.now());
    const child = await infra.resolveDefinition({ key: node.calledKey, on: today });
    if (!session!.runner.token(tokenId)) return; // interrupted meanwhile
    const childCaseId = uuid4();
    const workflowId = caseWorkflowId(childCaseId);
    const childInput: ProcessInput = {
      caseId: childCaseId,
      caseType: child.definition.caseType,
      definition: child.definition,
      pin: child.pin,
      // A linked case was received when the letter was (K2/T1/C1 count from the real receipt).
      variables: { ...args, parentCaseId: input.caseId },
      caseEvents: {
        received: typeof args.receivedOn === 'string' && ISO_DAY.test(args.receivedOn) ? args.receivedOn : today,
      },
      ...(agencyId === undefined ? {} : { agencyId }),
      ...(node.wait ? { parent: { workflowId: workflowInfo().workflowId, tokenId } } : {}),
      options: { ...(opts.project === undefined ? {} : { project: opts.project }) },
    };
    // ABANDON: linked cases are cases in their own right; they also outlive our continueAsNew.
    // Cancellation type ABANDON too: a linked case is cancelled explicitly (cancelOrphans), only
    // when the call activity waiting for it is interrupted, whichever run started it.
    await startChild(processWorkflow, {
      workflowId,
      args: [childInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      cancellationType: ChildWorkflowCancellationType.ABANDON,
    });
    act((s) => s.childStarted(tokenId, nodeId, workflowId, childCaseId));
  };

  const launchEffects = () => {
    for (const token of session!.tokens) {
      if (launched.has(token.id)) continue;
      const type = session!.typeOf(token);
      if (type === 'serviceTask') {
        launched.add(token.id);
        launchService(token.id, token.nodeId);
      }
      if (type === 'callActivity' && token.childWorkflowId === undefined) {
        launched.add(token.id);
        launchChild(token.id, token.nodeId).catch((err) => {
          failure ??= asFailure(err);
          wake = true;
        });
      }
    }
    cancelInterrupted();
  };

  // Interrupted service tasks: cancel their activities. Interrupted waiting call activities:
  // cancel their linked cases (request cancellation of the child workflow, whichever run started it).
  const cancelling: Promise<void>[] = [];
  let pendingCancels = 0;
  const cancelInterrupted = () => {
    for (const [tokenId, scope] of inflight)
      if (scope && !session!.runner.token(tokenId)) {
        scope.cancel();
        inflight.delete(tokenId);
      }
    if (session!.orphanedChildren().length === 0 || !patched(PATCH_CANCEL_LINKED)) return;
    for (const link of act((s) => s.cancelOrphanedChildren())) {
      pendingCancels += 1;
      cancelling.push(
        getExternalWorkflowHandle(link.workflowId)
          .cancel()
          .catch(() => undefined) // already closed: nothing to cancel
          .finally(() => {
            pendingCancels -= 1;
          }),
      );
    }
  };

  // ---- search attributes: upserted whenever one changes (never personal data) ----------------
  const searchAttributes = patched(PATCH_SEARCH_ATTRIBUTES);
  let upserted: SearchAttributeValues | undefined;
  const syncSearchAttributes = () => {
    if (!searchAttributes) return;
    const info = workflowInfo();
    const src = {
      state: session!.state,
      nodeName,
      definition: input.pin,
      caseType: input.caseType,
      agencyId,
      present: (name: string) => info.typedSearchAttributes.getAll().some((p) => p.key.name === name),
      transient: (nodeId: string) => graph.node(nodeId).type === 'serviceTask',
    };
    const plain = searchAttributeUpdates(upserted, src);
    // The stage as the work step (ADR 0019) only where it differs, and then only in executions past
    // the patch: histories recorded before it upserted the latest resting element and must replay.
    const byWork = searchAttributeUpdates(upserted, { ...src, work: isWork });
    const { updates, values } =
      byWork.values[SA.stage.name] !== plain.values[SA.stage.name] && patched(PATCH_STAGE_WORK) ? byWork : plain;
    upserted = values;
    if (updates.length > 0) upsertSearchAttributes(updates);
  };

  const parentHandle = input.parent ? getExternalWorkflowHandle(input.parent.workflowId) : undefined;
  const forwardEscalations = async () => {
    const pending = session!.uncaught.splice(0);
    if (!parentHandle || !input.parent) return;
    for (const e of pending)
      await parentHandle.signal(childEscalated, {
        tokenId: input.parent.tokenId,
        workflowId: workflowInfo().workflowId,
        code: e.code,
      });
  };

  /**
   * The next established fact of an imported case (ADR 0027), once the steps of the previous one
   * have run (its service tasks answered): applied at its date by the runner's own operations, or,
   * after the last, the end of the import — limits the facts show missed are past breaches (no
   * escalation), the running clocks go on from the facts. A fact the case refuses (the API checked
   * every fact on the same code before starting it) fails the case: it is never half-imported silently.
   */
  const applyNextFact = async () => {
    const i = session!.state.imported!.applied;
    const step = facts?.steps[i];
    if (!step) {
      const done = actGrowing((s) => s.finishImport(Date.now()));
      if (done instanceof Promise) await done;
      importNow = undefined;
      return;
    }
    const applied = actGrowing((s) => s.applyEstablishedStep(step, i, Date.now()), [stepDay(step)]);
    const problem = applied instanceof Promise ? await applied : applied;
    if (problem !== null) throw ApplicationFailure.nonRetryable(`import refused: ${problem}`, 'ImportRefused');
    importNow = session!.now;
  };

  let projectedVersion = -1;
  const projectState = async () => {
    if (!project || projectedVersion === version) return;
    projectedVersion = version;
    projectionSeq += 1;
    const view = buildView(input.caseId, input.pin.label, session!.state, nodeName, 20, isWork);
    const audits = pendingAudits.splice(0);
    await infra.projectCaseState({
      caseId: input.caseId,
      seq: projectionSeq,
      caseType: input.caseType,
      ...(agencyId === undefined ? {} : { agencyId }),
      state: view,
      ...(audits.length > 0 ? { audits } : {}),
    });
  };

  const shouldContinueAsNew = () => {
    const info = workflowInfo();
    const limit = opts.continueAsNewAfterEvents;
    return (
      (info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit)) &&
      inflight.size === 0 &&
      pendingCancels === 0 &&
      settling === 0 &&
      session!.linkedCasesStarted()
    );
  };

  // ---- main loop -----------------------------------------------------------------------------
  try {
    while (session.state.status === 'running') {
      if (failure) throw failure;
      launchEffects();
      syncSearchAttributes();
      // Each await costs a tracked promise in the sandbox: only await when there is work.
      if (session.uncaught.length > 0) await forwardEscalations();
      if (project && projectedVersion !== version && !session.importing()) await projectState();
      if (session.state.status !== 'running') break;
      if (session.importing()) {
        // No timer fires between the facts: the next is applied once the previous one's steps ran.
        if (settled()) await applyNextFact();
        else {
          await condition(() => wake);
          wake = false;
        }
        continue;
      }
      if (shouldContinueAsNew()) {
        // A completion that arrives now may start steps (a service task, a linked case) and wait
        // for them to settle; only this loop launches them: go round again instead of waiting for
        // that handler, which would wait for this loop (ADR 0019). No command changes.
        await condition(() => allHandlersFinished() || settling > 0);
        if (settling > 0) continue;
        const carried: CarriedState = {
          state: session.state,
          projectionSeq,
          runs,
          ...(pendingAudits.length > 0 ? { audits: [...pendingAudits] } : {}),
        };
        await continueAsNew<typeof processWorkflow>({
          ...input,
          ...(agencyId === undefined ? {} : { agencyId }),
          carried,
        });
      }
      const next = session.nextDueMs();
      if (!wake) {
        if (next === undefined) await condition(() => wake);
        else if (next > Date.now()) await condition(() => wake, next - Date.now());
      }
      wake = false;
      if (calendarDirty) {
        calendarDirty = false;
        const cal = await fetchCalendar();
        act((s) => s.setCalendar(cal));
      }
      if (session.nextDueMs() !== undefined && session.nextDueMs()! <= Date.now()) {
        const fired = actGrowing((s) => s.fireDue());
        if (fired instanceof Promise) await fired;
      }
    }
  } catch (err) {
    if (!isCancellation(err) || session.state.status !== 'running') throw err;
    // The case was cancelled (e.g. by the parent case whose call activity was interrupted): end
    // cleanly — tasks and timers cancelled, linked cases we wait for cancelled, status `cancelled`
    // in the query, the search attributes and the read model — then report the cancellation.
    await CancellationScope.nonCancellable(async () => {
      act((s) => s.cancel());
      cancelInterrupted();
      await Promise.all(cancelling);
      syncSearchAttributes();
      await projectState();
    });
    throw err;
  }
  if (failure) throw failure;
  // A terminate end event may have interrupted activities and linked cases.
  cancelInterrupted();
  if (cancelling.length > 0) await Promise.all(cancelling);
  syncSearchAttributes();
  await forwardEscalations();
  await projectState();
  const outcome = session.state.outcome ?? 'none';
  if (parentHandle && input.parent) {
    await parentHandle.signal(childCompleted, {
      tokenId: input.parent.tokenId,
      workflowId: workflowInfo().workflowId,
      outcome,
      variables: session.state.variables,
    });
  }
  return {
    caseId: input.caseId,
    pin: input.pin.label,
    outcome,
    outcomes: session.state.outcomes,
    variables: session.state.variables,
    runs,
  };
}

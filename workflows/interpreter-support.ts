/**
 * Small pure helpers of the interpreter workflow: retry policies, search attribute updates. (The
 * FEEL input mappings and output paths are the case session's: engine/runtime/mappings.ts.)
 */
import type { RetryPolicy as TemporalRetryPolicy, SearchAttributeUpdatePair } from '@temporalio/common';
import { defineSignal } from '@temporalio/workflow';
import { Duration } from 'luxon';
import { isClockRule } from './engine/clock-rule.js';
import type { ProcessDefinition } from './engine/definition.js';
import type { RetryPolicy } from './engine/nodes.js';
import { stageOf } from './engine/runtime/view.js';
import type { RunState } from './engine/runtime/types.js';
import { SA } from './contract.js';

export { evaluateInputs, evaluateMapping, mapOutputs, readPath } from './engine/runtime/mappings.js';

/** Service task retry policy (ISO durations) -> Temporal retry policy. */
export function toRetryPolicy(r: RetryPolicy | undefined): TemporalRetryPolicy {
  const iso = (d: string | undefined) => (d === undefined ? undefined : isoToMs(d));
  const p: TemporalRetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 };
  if (!r) return p;
  return {
    ...p,
    ...(r.maximumAttempts === undefined ? {} : { maximumAttempts: r.maximumAttempts }),
    ...(r.initialInterval === undefined ? {} : { initialInterval: iso(r.initialInterval)! }),
    ...(r.maximumInterval === undefined ? {} : { maximumInterval: iso(r.maximumInterval)! }),
    ...(r.backoffCoefficient === undefined ? {} : { backoffCoefficient: r.backoffCoefficient }),
    ...(r.nonRetryableErrorTypes === undefined ? {} : { nonRetryableErrorTypes: r.nonRetryableErrorTypes }),
  };
}

function isoToMs(iso: string): number {
  return Duration.fromISO(iso).toMillis();
}

/** True when any timer or due rule of the definition is a statutory clock (a calendar is needed). */
export function usesClocks(d: ProcessDefinition): boolean {
  return d.nodes.some(
    (n) =>
      (n.type === 'userTask' && n.due !== undefined) ||
      ((n.type === 'intermediateCatchEvent' || n.type === 'boundaryEvent') &&
        n.trigger.kind === 'timer' &&
        isClockRule(n.trigger.timer)),
  );
}

/**
 * The `calendarChanged` signal as the interpreter receives it. Senders use the typed definition
 * of workflows/calendar-contract.ts (same name); the payload only explains the change, the
 * calendar itself is always refetched through the `getCalendarSnapshot` activity.
 */
export const calendarChangedSignal = defineSignal<[unknown]>('calendarChanged');

/** Search attribute values the interpreter maintains, as last upserted (dates as epoch ms). */
export type SearchAttributeValues = Record<string, string | number | boolean | null>;

/** What the search attributes are computed from. */
export interface SearchAttributeSource {
  state: RunState;
  nodeName: (id: string) => string;
  definition: { key: string; version: number };
  caseType: string;
  agencyId?: string | undefined;
  /** True when the execution already carries this attribute (set by whoever started it). */
  present: (name: string) => boolean;
  /**
   * Elements a case passes through in seconds (service tasks): a token there does not change the
   * stage attribute, so a chain of automated steps costs no upsert (and no history event) per step.
   */
  transient?: (nodeId: string) => boolean;
  /**
   * Work steps (user tasks, call activities) the stage prefers over waiting events (ADR 0019); unset:
   * the latest resting element, as cases recorded before it did (the interpreter decides by patch).
   */
  work?: (nodeId: string) => boolean;
}

function searchStage(src: SearchAttributeSource, previous: SearchAttributeValues | undefined): string {
  const s = src.state;
  if (s.status !== 'running' || !src.transient) return stageOf(s, src.nodeName, src.work);
  const resting = s.tokens.filter((t) => !src.transient!(t.nodeId));
  const working = src.work ? resting.filter((t) => src.work!(t.nodeId)) : [];
  if (working.length > 0) return src.nodeName(working[working.length - 1]!.nodeId);
  if (resting.length > 0) return src.nodeName(resting[resting.length - 1]!.nodeId);
  const before = previous?.[SA.stage.name];
  return typeof before === 'string' ? before : stageOf(s, src.nodeName);
}

/**
 * The search attribute updates that bring the visibility record in line with the case: status,
 * stage, definition `key@version`, outcome, next due instant, overdue flag; plus case type,
 * agency and receipt date when the starter did not set them (linked cases). Never personal data:
 * only definition data (element names, outcome codes) and dates. `previous` undefined = first
 * call of this run: everything is (re)upserted once.
 */
export function searchAttributeUpdates(
  previous: SearchAttributeValues | undefined,
  src: SearchAttributeSource,
): { updates: SearchAttributeUpdatePair[]; values: SearchAttributeValues } {
  const s = src.state;
  const dues = s.timers.map((t) => t.dueAtMs).filter((x): x is number => x !== null);
  const values: SearchAttributeValues = {
    [SA.status.name]: s.status,
    [SA.stage.name]: searchStage(src, previous),
    [SA.definition.name]: `${src.definition.key}@${src.definition.version}`,
    [SA.outcome.name]: s.status === 'completed' ? (s.outcome ?? null) : null,
    [SA.dueAt.name]: dues.length === 0 ? null : Math.min(...dues),
    [SA.overdue.name]: s.flags.overdue === true,
  };
  const updates: SearchAttributeUpdatePair[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (previous !== undefined && previous[name] === value) continue;
    if (previous === undefined && value === null) continue; // nothing to remove on a fresh run
    updates.push(pair(name, value));
  }
  if (previous === undefined) {
    if (!src.present(SA.caseType.name)) updates.push({ key: SA.caseType, value: src.caseType });
    if (src.agencyId !== undefined && !src.present(SA.agencyId.name))
      updates.push({ key: SA.agencyId, value: src.agencyId });
    const received = s.caseEvents.received;
    // A linked case's receipt date (Vietnam), at 00:00 ICT; the API sets the exact instant for cases it receives.
    if (received !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(received) && !src.present(SA.receivedAt.name)) {
      updates.push({ key: SA.receivedAt, value: new Date(`${received}T00:00:00+07:00`) });
    }
  }
  return { updates, values };
}

function pair(name: string, value: string | number | boolean | null): SearchAttributeUpdatePair {
  switch (name) {
    case SA.dueAt.name:
      return { key: SA.dueAt, value: value === null ? null : new Date(value as number) };
    case SA.overdue.name:
      return { key: SA.overdue, value: value as boolean };
    case SA.status.name:
      return { key: SA.status, value: value as string };
    case SA.stage.name:
      return { key: SA.stage, value: value as string };
    case SA.definition.name:
      return { key: SA.definition, value: value as string };
    default:
      return { key: SA.outcome, value: value as string | null };
  }
}

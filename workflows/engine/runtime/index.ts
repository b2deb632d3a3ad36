/**
 * The interpreter's pure runtime: token runner, element behaviours, timers and clocks.
 * Sandbox-safe; the Temporal side lives in workflows/interpreter.ts.
 */
export * from './types.js';
export { buildRunGraph, type RunGraph } from './graph.js';
export { BEHAVIOURS, WAITING, discardOnwards, type Behaviour } from './behaviours.js';
export type { ElementContext } from './element-context.js';
export { Runner, initialState, type UncaughtEscalation, type LegalEventPayload, type RunCheckpoint } from './runner.js';
export * from './calendar-range.js';
export { isoAt } from './clocks.js';
export { msOf, vnDate } from '../../clock/vn-time.js';
export { buildView, stageOf, type BreachView, type CaseStateView, type ClockView } from './view.js';
export * from './established.js';

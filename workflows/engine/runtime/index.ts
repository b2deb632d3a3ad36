/**
 * The interpreter's pure runtime: token runner, element behaviours, timers and clocks.
 * Sandbox-safe; the Temporal side lives in workflows/interpreter.ts.
 */
export * from './types.js';
export { buildRunGraph, type RunGraph } from './graph.js';
export { BEHAVIOURS, type Behaviour } from './behaviours.js';
export { Runner, initialState, WAITING, type UncaughtEscalation, type LegalEventPayload, type RunCheckpoint } from './runner.js';
export * from './calendar-range.js';
export { vnDate, isoAt, msOf } from './clocks.js';
export { buildView, stageOf, type BreachView, type CaseStateView, type ClockView } from './view.js';
export * from './established.js';

/**
 * The case session (ADR 0021): a case's state and the messages and results that change it, pure
 * and deterministic. processWorkflow adds the Temporal effects; the unit-test drivers add fakes.
 */
export {
  CaseSession,
  checkMessage,
  CURRENT_FEATURES,
  type Applied,
  type CaseMessage,
  type ChildOutcome,
  type FeatureGates,
  type MessageKind,
  type Refusal,
  type SessionOptions,
} from './session.js';
export {
  agencyChange,
  LEGAL_EVENT,
  TASK_COMPLETION,
  type LegalEvent,
  type LegalEventResult,
  type TaskCompletion,
} from './messages.js';
export { CLOCK_EVENTS, isClockEvent, type ClockEvent } from '../runtime/clocks.js';
export { NO_CASE_LAW, type CaseLaw, type LegalEventRefusal } from '../runtime/case-law.js';

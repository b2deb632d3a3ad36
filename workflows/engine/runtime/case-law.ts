/**
 * The law of a lifecycle that the generic engine applies without knowing it (ADR 0021). The
 * engine reads deadlines, extension limits by level (`byLevel`) and the rest from definition data;
 * what a definition cannot state as data — the statutory presets of definitions pinned before
 * ADR 0018, a message the law refuses given the case's variables — comes through these hooks,
 * supplied by the lifecycle layer (processes/case-law.ts) to the case session.
 */
import type { ExtensionPolicy } from '../../clock/index.js';
import type { JsonValue } from '../primitives.js';

/** A legal event the case refuses in its current state: a stable reason code and the officer-readable detail. */
export interface LegalEventRefusal {
  reason: string;
  detail: string;
}

export interface CaseLaw {
  /**
   * The extension limits statutory preset `preset` (ClockRule `extension.preset`) allows when its
   * variable has `value`; undefined: the preset is unknown here (the rule's own limits apply).
   * `policy` is the clock's extension policy as the definition states it.
   */
  extensionPreset?(preset: string, value: JsonValue | undefined, policy: ExtensionPolicy): ExtensionPolicy | undefined;
  /**
   * Why the law refuses message `name` on a case with `caseVariables`, the message carrying
   * `messageVariables` (e.g. marking a case complex twice at the same level), or null.
   */
  messageRefusal?(
    name: string,
    caseVariables: Readonly<Record<string, JsonValue>>,
    messageVariables: Readonly<Record<string, JsonValue>>,
  ): LegalEventRefusal | null;
}

/** No lifecycle law: definitions' data only. */
export const NO_CASE_LAW: CaseLaw = {};

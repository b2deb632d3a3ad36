/**
 * Content hash of a definition, pinned with key@version in each case's history so an auditor
 * can prove which definition ran. Deterministic: canonical JSON (sorted keys) -> SHA-256.
 */
import { canonicalJson } from './canonical-json.js';
import type { ProcessDefinition } from './definition.js';
import { sha256Hex } from './sha256.js';

/** `sha256:` followed by 64 hex digits. */
export type DefinitionHash = `sha256:${string}`;

/**
 * Hashes a normalised definition (the output of validateDefinition). Key order and omitted
 * optional properties do not matter; any change of content does.
 */
export function hashDefinition(definition: ProcessDefinition): DefinitionHash {
  return `sha256:${sha256Hex(canonicalJson(definition))}`;
}

/** What a case pins at start. */
export interface DefinitionPin {
  key: string;
  version: number;
  hash: DefinitionHash;
}

/** The pin of a definition: its key, version and content hash. */
export function pinDefinition(definition: ProcessDefinition): DefinitionPin {
  return { key: definition.key, version: definition.version, hash: hashDefinition(definition) };
}

/** Formats a pin as `key@version+sha256:...` (the form written to case history). */
export function formatPin(pin: DefinitionPin): string {
  return `${pin.key}@${pin.version}+${pin.hash}`;
}

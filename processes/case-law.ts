/**
 * The lifecycle law the generic engine applies through its {@link CaseLaw} hooks (ADR 0021): the
 * denunciation complexity ladder. Pure and sandbox-safe: the case workflow bundles it.
 */
import { denunciationExtensionPolicy, type DenunciationComplexity } from '../workflows/clock/index.js';
import type { CaseLaw } from '../workflows/engine/runtime/case-law.js';

/** Complexity of a denunciation (NĐ 31/2019 Art 3(2)-(3)); any other value reads as `normal`. */
const COMPLEXITIES: readonly string[] = ['normal', 'complex', 'especially_complex'];

/**
 * The levels a written complexity determination (`markComplex`) climbs: `complex`, then
 * `especially_complex` (Luật Khiếu nại 2011 Art 28, 37; Luật Tố cáo 2018 Art 30(1)-(3)).
 */
const LADDER = ['complex', 'especially_complex'];

export const LIFECYCLE_LAW: CaseLaw = {
  /**
   * The preset `denunciation_complexity` (definitions pinned before ADR 0018; newer ones state the
   * levels as data, `byLevel`): the limits of `denunciationExtensionPolicy(complexity)` — none for a
   * normal denunciation (Luật Tố cáo 2018 Art 30(1)), one extension of ≤ 30 days for a complex one
   * (Art 30(2)), two for an especially complex one (Art 30(3)).
   */
  extensionPreset(preset, value, policy) {
    if (preset !== 'denunciation_complexity') return undefined;
    const complexity = (
      typeof value === 'string' && COMPLEXITIES.includes(value) ? value : 'normal'
    ) as DenunciationComplexity;
    const p = denunciationExtensionPolicy(complexity);
    return { ...p, unit: policy.unit, legalBasis: `${p.legalBasis} (complexity: ${complexity})` };
  },
  /**
   * `AlreadyComplex`: marking the case complex twice at the same level would issue a second
   * determination (Luật Khiếu nại 2011 Art 28, 37; Luật Tố cáo 2018 Art 30(1)); an upgrade passes. A case
   * complex by its form (`complex: true`, e.g. a complaint's acceptance) is at least `complex`.
   */
  messageRefusal(name, caseVariables, messageVariables) {
    if (name !== 'markComplex') return null;
    const stated = caseVariables.complexity;
    const current =
      typeof stated === 'string' && LADDER.includes(stated)
        ? stated
        : caseVariables.complex === true
          ? 'complex'
          : undefined;
    const asked = messageVariables.complexity;
    const wanted = typeof asked === 'string' && LADDER.includes(asked) ? asked : 'complex';
    if (current !== undefined && LADDER.indexOf(current) >= LADDER.indexOf(wanted)) {
      return { reason: 'AlreadyComplex', detail: `The case is already marked ${current}` };
    }
    return null;
  },
};

/**
 * Statutory presets for clocks whose extension/suspension rules live in the law itself.
 * Process definitions may build their own clocks with {@link createClock}; these presets keep
 * the article-level limits in one tested place.
 */
import type { Clock, ExtensionPolicy, RungSpec } from './clock-types';
import { createClock } from './clock';
import { LEGAL } from './legal';
import type { IsoDate } from './types';

/** Complexity of a denunciation case (NĐ 31/2019 Art 3(2)-(3)). */
export type DenunciationComplexity = 'normal' | 'complex' | 'especially_complex';

/**
 * Extension limits for resolving a denunciation:
 * - normal: none (Luật Tố cáo 2018 Art 30(1) gives no extension);
 * - complex: one extension of ≤ 30 days (Art 30(2));
 * - especially complex (≥ 2 criteria of NĐ 31/2019 Art 3(2)): two extensions of ≤ 30 days each (Art 30(3)).
 */
export function denunciationExtensionPolicy(complexity: DenunciationComplexity): ExtensionPolicy {
  switch (complexity) {
    case 'normal':
      return { maxExtensions: 0, maxAmountEach: 0, unit: 'calendar_days', legalBasis: LEGAL.denunciationResolution };
    case 'complex':
      return {
        maxExtensions: 1,
        maxAmountEach: 30,
        unit: 'calendar_days',
        legalBasis: LEGAL.denunciationExtensionComplex,
      };
    case 'especially_complex':
      return {
        maxExtensions: 2,
        maxAmountEach: 30,
        unit: 'calendar_days',
        legalBasis: LEGAL.denunciationExtensionEspeciallyComplex,
      };
  }
}

/**
 * Clock T5: resolve a denunciation within 30 days of acceptance (Luật Tố cáo 2018 Art 30(1)),
 * suspendable under Art 34(2), extendable per {@link denunciationExtensionPolicy}.
 */
export function denunciationResolutionClock(input: {
  readonly acceptedOn: IsoDate;
  readonly complexity: DenunciationComplexity;
  readonly rungs?: readonly RungSpec[];
}): Clock {
  return createClock({
    ruleId: 'T5',
    legalBasis: LEGAL.denunciationResolution,
    budget: { amount: 30, unit: 'calendar_days' },
    startEvent: { name: 'Accepted (thụ lý)', date: input.acceptedOn },
    suspensionBasis: LEGAL.denunciationSuspension,
    extensionPolicy: denunciationExtensionPolicy(input.complexity),
    ...(input.rungs === undefined ? {} : { rungs: input.rungs }),
  });
}

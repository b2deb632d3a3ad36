/**
 * Timer specifications: a statutory clock rule or a plain ISO-8601 duration.
 */
import { z } from 'zod';
import { LIMIT_UNITS, type LimitUnit } from '../clock/types.js';
import { identifierSchema, isoDateSchema, isoDurationSchema, legalBasisSchema } from './primitives.js';

/**
 * How a statutory budget is counted: days (calendar / working), or months / years on the solar
 * calendar (BLDS 2015 Art 147(2), 148(3)-(5): the corresponding day of the last month / year, or
 * that month's last day; a non-working last day rolls forward). Month/year clocks have no
 * suspension or extension (both are counted in days) and their rungs count calendar days.
 */
export const CLOCK_UNITS = LIMIT_UNITS;
export type ClockUnit = LimitUnit;

/** True for the month/year units (counted by corresponding day, not day by day). */
export function isMonthUnit(unit: ClockUnit): unit is 'months' | 'years' {
  return unit === 'months' || unit === 'years';
}

/** Rough length in days of a budget (for checking rungs against it): months 28, years 365 days each. */
function minimumDays(amount: number, unit: ClockUnit): number {
  return unit === 'months' ? amount * 28 : unit === 'years' ? amount * 365 : amount;
}

/**
 * Statutory extension presets whose limits depend on a case variable. `denunciation_complexity`:
 * the variable holds `normal`, `complex` or `especially_complex` and the limits are
 * `denunciationExtensionPolicy(complexity)` of workflows/clock (Luật Tố cáo 2018 Art 30(1)-(3)).
 * Kept for definitions pinned before ADR 0018; new definitions state the levels as data (`byLevel`).
 */
export const EXTENSION_PRESETS = ['denunciation_complexity'] as const;
export type ExtensionPreset = (typeof EXTENSION_PRESETS)[number];

/** Warning rungs fired before the due instant. */
export const RUNG_NAMES = ['reminder', 'at_risk'] as const;
export type RungName = (typeof RUNG_NAMES)[number];

export const clockRungSchema = z.strictObject({
  name: z.enum(RUNG_NAMES),
  daysBefore: z.int().min(1, 'must be at least 1'),
});
/** A warning rung: fires `daysBefore` days (the rule's day unit; calendar days for months/years) before the due instant. */
export type ClockRung = z.infer<typeof clockRungSchema>;

export const clockExtensionPolicySchema = z
  .strictObject({
    /** How many extensions may be granted in total. */
    maxExtensions: z.int().min(1, 'must be at least 1 (omit the policy when extensions are not allowed)'),
    /** Maximum days of each extension, in the rule's unit. */
    maxAmountEach: z.int().min(1, 'must be at least 1'),
    /** Article that sets the limits, e.g. "Luật Tố cáo 2018 Art 30(2)". */
    legalBasis: legalBasisSchema,
    /**
     * Narrows the limits above by a statutory preset over a case variable (both or neither): an
     * `extend` the preset refuses for the variable's current value is refused before it enters the
     * case history. The limits above stay the legal maximum of the rule.
     */
    preset: z.enum(EXTENSION_PRESETS).optional(),
    /** The case variable the preset reads (e.g. `complexity`). */
    presetVariable: identifierSchema.optional(),
    /**
     * The limits by the value of a case variable, as the law states them (e.g. by `complexity`, Luật Tố
     * cáo 2018 Art 30(1)-(3): normal none, complex one, especially complex two extensions of <= 30 days):
     * each `extend` is checked against the level of the variable's value at that moment (or stated
     * in the request); a value with no level allows no extension (`otherwise` cites why). The limits
     * above stay the rule's legal maximum; `levels` run from the lowest to the highest.
     */
    byLevel: z
      .strictObject({
        variable: identifierSchema,
        levels: z
          .array(
            z.strictObject({
              value: identifierSchema,
              maxExtensions: z.int().min(1),
              maxAmountEach: z.int().min(1),
              legalBasis: legalBasisSchema,
            }),
          )
          .min(1),
        otherwise: legalBasisSchema,
      })
      .optional(),
  })
  .refine((p) => (p.preset === undefined) === (p.presetVariable === undefined), {
    message: 'preset and presetVariable go together',
    path: ['presetVariable'],
  })
  .refine((p) => p.preset === undefined || p.byLevel === undefined, {
    message: 'a policy states its levels either by a preset or by byLevel, not both',
    path: ['byLevel'],
  })
  .refine(
    (p) =>
      (p.byLevel?.levels ?? []).every((l) => l.maxExtensions <= p.maxExtensions && l.maxAmountEach <= p.maxAmountEach),
    {
      message: "a level may not exceed the policy's maxExtensions / maxAmountEach",
      path: ['byLevel', 'levels'],
    },
  );
/** Legal limits on extending a clock (unit = the rule's unit). Absent = no extension allowed. */
export type ClockExtensionPolicy = z.infer<typeof clockExtensionPolicySchema>;

export const clockRuleSchema = z
  .strictObject({
    ruleId: identifierSchema,
    legalBasis: legalBasisSchema,
    amount: z.int().min(1, 'must be at least 1'),
    unit: z.enum(CLOCK_UNITS),
    /** The named case event the count starts from, e.g. received, accepted, decisionIssued. */
    from: identifierSchema,
    rungs: z.array(clockRungSchema).optional(),
    /** Article allowing the clock to be suspended (tạm đình chỉ); absent = not suspendable. */
    suspensionBasis: legalBasisSchema.optional(),
    /**
     * First day (YYYY-MM-DD) a suspension may be dated: the suspension rule applies to the case
     * from then (e.g. a complaint received before 01/07/2026: Luật Khiếu nại Art 11a via
     * NĐ 155/2026 Art 22(1)). An earlier `suspend` is refused. Needs `suspensionBasis`.
     */
    suspendableFrom: isoDateSchema.optional(),
    /**
     * The ruleId of another clock this one follows: a suspend / resume / extend addressed to that
     * rule applies to this clock too (e.g. K17, the lift of a stay of execution, follows K3: the stay
     * may not outlast the resolution limit, KN Art 35). Absent: addressed by its own ruleId only.
     */
    follows: identifierSchema.optional(),
    extension: clockExtensionPolicySchema.optional(),
  })
  .superRefine((rule, ctx) => {
    const seen = new Set<string>();
    const days = minimumDays(rule.amount, rule.unit);
    (rule.rungs ?? []).forEach((rung, i) => {
      if (seen.has(rung.name))
        ctx.addIssue({ code: 'custom', path: ['rungs', i, 'name'], message: `duplicate rung '${rung.name}'` });
      seen.add(rung.name);
      if (rung.daysBefore >= days) {
        ctx.addIssue({
          code: 'custom',
          path: ['rungs', i, 'daysBefore'],
          message: isMonthUnit(rule.unit)
            ? `must be less than the rule's length in days (${days} for ${rule.amount} ${rule.unit})`
            : `must be less than the rule amount (${rule.amount})`,
        });
      }
    });
    if (isMonthUnit(rule.unit)) {
      if (rule.suspensionBasis !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['suspensionBasis'],
          message: `a clock in ${rule.unit} cannot be suspended (suspension is counted in days)`,
        });
      if (rule.extension !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['extension'],
          message: `a clock in ${rule.unit} cannot be extended (extensions are counted in days)`,
        });
    }
    if (rule.follows !== undefined && rule.follows === rule.ruleId) {
      ctx.addIssue({ code: 'custom', path: ['follows'], message: 'a clock cannot follow itself' });
    }
    if (rule.suspendableFrom !== undefined && rule.suspensionBasis === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['suspendableFrom'],
        message: 'needs suspensionBasis (the clock is not suspendable)',
      });
    }
  });
/**
 * A statutory clock rule: `amount` calendar or working days (or months / years) counted from the case event `from`,
 * with optional reminder / at-risk rungs, suspension and extension limits. Maps one-to-one onto
 * `createClock` of workflows/clock (budget, startEvent name, rungs, suspensionBasis,
 * extensionPolicy with unit = the rule's unit); computing due dates is the clock's job, not this module's.
 */
export type ClockRule = z.infer<typeof clockRuleSchema>;

export const durationTimerSchema = z.strictObject({ duration: isoDurationSchema });
/** A plain timer: an ISO-8601 duration from the moment the timer is armed. */
export type DurationTimer = z.infer<typeof durationTimerSchema>;

export const timerSpecSchema = z.union([clockRuleSchema, durationTimerSchema]);
/** What a timer event waits for. */
export type TimerSpec = ClockRule | DurationTimer;

/** True when the timer is a statutory clock rule rather than a plain duration. */
export function isClockRule(spec: TimerSpec): spec is ClockRule {
  return 'ruleId' in spec;
}

/**
 * Timer specifications: a statutory clock rule or a plain ISO-8601 duration.
 */
import { z } from 'zod';
import { identifierSchema, isoDurationSchema, legalBasisSchema } from './primitives.js';

/** How a statutory budget is counted. */
export const CLOCK_UNITS = ['calendar_days', 'working_days'] as const;
export type ClockUnit = (typeof CLOCK_UNITS)[number];

/** Warning rungs fired before the due instant. */
export const RUNG_NAMES = ['reminder', 'at_risk'] as const;
export type RungName = (typeof RUNG_NAMES)[number];

export const clockRungSchema = z.strictObject({
  name: z.enum(RUNG_NAMES),
  daysBefore: z.int().min(1, 'must be at least 1'),
});
/** A warning rung: fires `daysBefore` days (same unit as the rule) before the due instant. */
export type ClockRung = z.infer<typeof clockRungSchema>;

export const clockExtensionPolicySchema = z.strictObject({
  /** How many extensions may be granted in total. */
  maxExtensions: z.int().min(1, 'must be at least 1 (omit the policy when extensions are not allowed)'),
  /** Maximum days of each extension, in the rule's unit. */
  maxAmountEach: z.int().min(1, 'must be at least 1'),
  /** Article that sets the limits, e.g. "Luật Tố cáo 2018 Art 30(2)". */
  legalBasis: legalBasisSchema,
});
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
    extension: clockExtensionPolicySchema.optional(),
  })
  .superRefine((rule, ctx) => {
    const seen = new Set<string>();
    (rule.rungs ?? []).forEach((rung, i) => {
      if (seen.has(rung.name)) ctx.addIssue({ code: 'custom', path: ['rungs', i, 'name'], message: `duplicate rung '${rung.name}'` });
      seen.add(rung.name);
      if (rung.daysBefore >= rule.amount) {
        ctx.addIssue({ code: 'custom', path: ['rungs', i, 'daysBefore'], message: `must be less than the rule amount (${rule.amount})` });
      }
    });
  });
/**
 * A statutory clock rule: `amount` calendar or working days counted from the case event `from`,
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

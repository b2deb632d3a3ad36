/**
 * Configuration of the hotspot detector (issue 15.4, ADR 0034): rolling windows with their level
 * thresholds, item weights, and how much more a coarser cluster needs. Pure data; the defaults are a
 * starting point (UNCONFIRMED: no source fixes them — each province tunes them), overridable by the JSON
 * file named in `KNTC_HOTSPOT_CONFIG` (validated at start-up: a wrong file stops the process).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const LEVELS = ['watch', 'warning', 'hot'] as const;
export type Level = (typeof LEVELS)[number];

/** The rank of a level (null: below watch = 0). */
export function levelRank(l: Level | null | undefined): number {
  return l ? LEVELS.indexOf(l) + 1 : 0;
}

export const GRANULARITIES = ['place_sector_respondent', 'place_sector', 'place'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const Thresholds = z.strictObject({
  watch: z.number().positive(),
  warning: z.number().positive(),
  hot: z.number().positive(),
});

export const HotspotConfigSchema = z
  .strictObject({
    /** Rolling windows, each with the weighted score a cluster needs in it for each level. */
    windows: z
      .array(z.strictObject({ days: z.number().int().min(1).max(3650), thresholds: Thresholds }))
      .min(1)
      .max(8),
    /** Weight of one item by kind; a mass item (5 or more signers or visitors) weighs `mass…`. */
    weights: z.strictObject({
      case: z.number().min(0),
      massCase: z.number().min(0),
      visit: z.number().min(0),
      massVisit: z.number().min(0),
      /** A visit that is a delegation received by the head (ADR 0036). */
      delegation: z.number().min(0),
      matter: z.number().min(0),
      massMatter: z.number().min(0),
      centralGathering: z.number().min(0),
    }),
    /** Thresholds are multiplied by this for each granularity (a whole commune needs more than one dispute). */
    scale: z.strictObject({
      place_sector_respondent: z.number().positive(),
      place_sector: z.number().positive(),
      place: z.number().positive(),
    }),
  })
  .superRefine((c, ctx) => {
    c.windows.forEach((w, i) => {
      if (!(w.thresholds.watch <= w.thresholds.warning && w.thresholds.warning <= w.thresholds.hot))
        ctx.addIssue({ code: 'custom', path: ['windows', i, 'thresholds'], message: 'watch ≤ warning ≤ hot' });
    });
    if (new Set(c.windows.map((w) => w.days)).size !== c.windows.length)
      ctx.addIssue({ code: 'custom', path: ['windows'], message: 'two windows of the same length' });
  });
export type HotspotConfig = z.infer<typeof HotspotConfigSchema>;

/**
 * Defaults: a plain letter or visit weighs 1, a mass one 3, a delegation 4, a central gathering (citizens of
 * the province at a central office) 5. Within 30 days 5 / 10 / 20 points make a watch / warning / hot; within 90 days
 * 10 / 20 / 40. A place-and-sector cluster needs 1.5 times that, a whole commune 3 times.
 */
export const DEFAULT_HOTSPOT_CONFIG: HotspotConfig = {
  windows: [
    { days: 30, thresholds: { watch: 5, warning: 10, hot: 20 } },
    { days: 90, thresholds: { watch: 10, warning: 20, hot: 40 } },
  ],
  weights: {
    case: 1,
    massCase: 3,
    visit: 1,
    massVisit: 3,
    delegation: 4,
    matter: 1,
    massMatter: 3,
    centralGathering: 5,
  },
  scale: { place_sector_respondent: 1, place_sector: 1.5, place: 3 },
};

/** The configuration in force: `KNTC_HOTSPOT_CONFIG` (a JSON file, merged over the defaults) or the defaults. */
export function loadHotspotConfig(env: NodeJS.ProcessEnv = process.env): HotspotConfig {
  const file = env.KNTC_HOTSPOT_CONFIG;
  if (!file) return DEFAULT_HOTSPOT_CONFIG;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<HotspotConfig>;
  const merged = {
    ...DEFAULT_HOTSPOT_CONFIG,
    ...raw,
    weights: { ...DEFAULT_HOTSPOT_CONFIG.weights, ...raw.weights },
    scale: { ...DEFAULT_HOTSPOT_CONFIG.scale, ...raw.scale },
  };
  const r = HotspotConfigSchema.safeParse(merged);
  if (!r.success) throw new Error(`KNTC_HOTSPOT_CONFIG ${file}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

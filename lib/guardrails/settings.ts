import { z } from "zod";

/** The autopilot's settings when a policy version says nothing about them. */
export const AUTOPILOT_DEFAULTS = { threshold: 0.95, minReviews: 200, sampleRate: 0.1 } as const;

const autopilotSettingsSchema = z.object({
  /** The 95 % Wilson lower bound of the approve-as-is rate a category must reach, and keep. */
  threshold: z
    .number("The autopilot threshold must be a number between 0.5 and 1.")
    .min(0.5, "The autopilot threshold must be at least 0.5 (50 %).")
    .max(1, "The autopilot threshold cannot exceed 1 (100 %).")
    .default(AUTOPILOT_DEFAULTS.threshold),
  /** The fewest reviews by people a category needs before it can be promoted. */
  minReviews: z
    .number("The minimum number of reviews must be a whole number.")
    .int("The minimum number of reviews must be a whole number.")
    .min(1, "The minimum number of reviews must be at least 1.")
    .default(AUTOPILOT_DEFAULTS.minReviews),
  /** The share of an autopiloted category's actions still sent to people. */
  sampleRate: z
    .number("The sample rate must be a number between 0 and 1.")
    .min(0.01, "The sample rate must be at least 0.01 (1 %): an unsampled autopilot could never be demoted.")
    .max(1, "The sample rate cannot exceed 1 (100 %).")
    .default(AUTOPILOT_DEFAULTS.sampleRate),
});

/**
 * A policy version's settings (policy_versions.settings). Every field has a
 * default, so versions stored before a setting existed still parse.
 */
export const policySettingsSchema = z.object({
  autopilot: autopilotSettingsSchema.default(AUTOPILOT_DEFAULTS),
});

export type AutopilotSettings = z.infer<typeof autopilotSettingsSchema>;
export type PolicySettings = z.infer<typeof policySettingsSchema>;

/**
 * Reads stored settings. Settings that do not validate fail closed: no
 * category can reach a threshold of 1 with a bound, and every action of an
 * already autopiloted category goes to people.
 */
export function loadPolicySettings(raw: unknown): PolicySettings & { failedClosed: boolean } {
  const parsed = policySettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return { ...parsed.data, failedClosed: false };
  return {
    autopilot: { threshold: 1, minReviews: Number.MAX_SAFE_INTEGER, sampleRate: 1 },
    failedClosed: true,
  };
}

import { z } from "zod";
import { ACTION_KINDS, type RoutingMatch } from "@/db/schema";
import { CUSTOMER_TIERS, TEAMS } from "@/lib/guardrails/rules";
import { CATEGORIES, INTENTS } from "@/lib/triage/labels";

/** The conditions a routing rule can test, each a list of values the code knows. */
export const MATCH_FIELDS = ["kinds", "teams", "categories", "intents", "tiers", "firedRules"] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

/** The values offered for each condition (firedRules: the published policy's rule ids, given by the caller). */
export const MATCH_VALUES = {
  kinds: ACTION_KINDS,
  teams: TEAMS,
  categories: CATEGORIES,
  intents: INTENTS,
  tiers: CUSTOMER_TIERS,
} as const satisfies Record<Exclude<MatchField, "firedRules">, readonly string[]>;

const MAX_VALUES = 100;

/** A list of known values; an empty list is no condition at all (dropped). */
function known(values: readonly string[], what: string) {
  return z
    .array(
      z.enum(values as [string, ...string[]], {
        error: (issue) => `“${String(issue.input)}” is not a ${what}. Choose from: ${values.join(", ")}.`,
      }),
    )
    .max(MAX_VALUES, `Choose at most ${MAX_VALUES} values.`)
    .transform((list) => (list.length ? [...new Set(list)] : undefined))
    .optional();
}

const firedRule = z
  .string()
  .trim()
  .min(1, "A fired-rule condition needs a policy rule id.")
  .max(63, "Policy rule ids are at most 63 characters.");

/** A rule's conditions: every present list must hold (any value within a list). */
export const routingMatchSchema = z
  .object({
    kinds: known(ACTION_KINDS, "kind of action"),
    teams: known(TEAMS, "team"),
    categories: known(CATEGORIES, "triage category"),
    intents: known(INTENTS, "triage intent"),
    tiers: known(CUSTOMER_TIERS, "customer tier"),
    firedRules: z
      .array(firedRule)
      .max(MAX_VALUES, `Choose at most ${MAX_VALUES} values.`)
      .transform((list) => (list.length ? [...new Set(list)] : undefined))
      .optional(),
  })
  .strict()
  .transform((m) => {
    const out: RoutingMatch = {};
    for (const field of MATCH_FIELDS) if (m[field]) out[field] = m[field];
    return out;
  });

/** firedRules must name rules of the published policy (ids change only when a policy is published). */
export function unknownFiredRules(match: RoutingMatch, policyRuleIds: readonly string[]): string[] {
  return (match.firedRules ?? []).filter((id) => !policyRuleIds.includes(id));
}

export function matchIsEmpty(match: RoutingMatch): boolean {
  return MATCH_FIELDS.every((f) => !match[f]?.length);
}

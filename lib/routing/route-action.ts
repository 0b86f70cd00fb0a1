import type { RoutingMatch } from "@/db/schema";

/** What routing knows about a proposed action. */
export interface ActionFacts {
  kind: string;
  /** An escalation's team (payload.team); null for other kinds. */
  team: string | null;
  /** The ticket's triage reading. */
  category: string | null;
  intent: string | null;
  /** The customer's tier; null for an unknown sender. */
  tier: string | null;
  /** Policy rules that fired in the run (guardrail steps and the rule that blocked the action). */
  firedRules: readonly string[];
}

export interface RoutingRuleInput {
  id: string;
  position: number;
  groupId: string;
  match: RoutingMatch;
  enabled: boolean;
}

export interface RouteDecision {
  groupId: string;
  /** `rule:<id>` or `default` (stored as agent_actions.routed_by). */
  routedBy: string;
}

function holds(list: readonly string[] | undefined, value: string | null): boolean {
  if (!list?.length) return true;
  return value !== null && list.includes(value);
}

export function ruleMatches(match: RoutingMatch, facts: ActionFacts): boolean {
  return (
    holds(match.kinds, facts.kind) &&
    holds(match.teams, facts.team) &&
    holds(match.categories, facts.category) &&
    holds(match.intents, facts.intent) &&
    holds(match.tiers, facts.tier) &&
    (!match.firedRules?.length || match.firedRules.some((id) => facts.firedRules.includes(id)))
  );
}

/**
 * The group an action goes to: the first enabled rule, in position order, whose present
 * conditions all hold; otherwise the default group. Mirrored in SQL by reapplyRouting, down to
 * the tie-break of two rules at one position: the lower id first (a uuid's bytes and its
 * lower-case text sort alike).
 */
export function routeAction(
  facts: ActionFacts,
  rules: readonly RoutingRuleInput[],
  defaultGroupId: string,
): RouteDecision {
  const ordered = [...rules].sort(
    (a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const rule = ordered.find((r) => r.enabled && ruleMatches(r.match, facts));
  return rule
    ? { groupId: rule.groupId, routedBy: `rule:${rule.id}` }
    : { groupId: defaultGroupId, routedBy: "default" };
}

import type { Db } from "@/db";
import {
  ACTION_KINDS,
  type ActionKind,
  agentActions,
  agentRuns,
  agentSteps,
  customers,
  type RoutingMatch,
  reviewGroups,
  routingRules,
  tickets,
  VERIFICATION_CHECKS,
} from "@/db/schema";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { CUSTOMER_TIERS, TEAMS } from "@/lib/guardrails/rules";
import { MATCH_FIELDS, type MatchField, routingMatchSchema } from "@/lib/routing/match";
import { CATEGORIES, INTENTS } from "@/lib/triage/labels";
import type { prng } from "./fuzz-values";

/**
 * Random routing set-ups for comparing the two routers (routeAction in TypeScript, reapplyRouting
 * in SQL): review groups, ordered rules with random conditions, and undecided actions with random
 * facts, each on a ticket and run of its own. Rules are drawn partly from the actions' own facts,
 * so that many of them match something.
 */

type Random = ReturnType<typeof prng>;
type Tier = (typeof CUSTOMER_TIERS)[number];

const POLICY_RULE_IDS = DEFAULT_RULES.map((r) => r.id);
const VERIFY_BLOCKS = VERIFICATION_CHECKS.map((check) => `verify:${check}`);
const VALUES: Record<MatchField, readonly string[]> = {
  kinds: ACTION_KINDS,
  teams: TEAMS,
  categories: CATEGORIES,
  intents: INTENTS,
  tiers: CUSTOMER_TIERS,
  firedRules: POLICY_RULE_IDS,
};

export interface ActionCase {
  kind: ActionKind;
  /** payload.team: an escalation's team, now and then a stray one on another kind (routing ignores it). */
  team: string | null;
  status: "pending_review" | "blocked";
  /** A policy rule, or a verification check (`verify:…`, which is no rule firing). */
  blockedBy: string | null;
  category: string | null;
  intent: string | null;
  tier: Tier | null;
  /** Guardrail steps of the run: the policy rules that fired. */
  guardrails: string[];
  /** Steps of other kinds named like rules, which are no rule firing. */
  otherSteps: { kind: "verification" | "tool_call"; name: string }[];
  /** Placed by an SLA move: re-routing leaves it where it is. */
  slaMoved: boolean;
}

export interface RuleCase {
  position: number;
  /** Index into the scenario's groups. */
  group: number;
  match: RoutingMatch;
  enabled: boolean;
}

export interface Scenario {
  groups: number;
  /** Index of the default group; null: routing is off. */
  defaultGroup: number | null;
  rules: RuleCase[];
  actions: ActionCase[];
}

const maybe = <T>(r: Random, p: number, value: () => T): T | null => (r.next() < p ? value() : null);
const some = (r: Random, values: readonly string[], max: number) =>
  Array.from({ length: 1 + r.int(max) }, () => r.pick(values));

function randomAction(r: Random): ActionCase {
  const kind = r.pick(ACTION_KINDS);
  const status = r.next() < 0.35 ? "blocked" : "pending_review";
  return {
    kind,
    team: kind === "escalation" || r.next() < 0.2 ? r.pick(TEAMS) : null,
    status,
    blockedBy: status === "blocked" ? r.pick(r.next() < 0.3 ? VERIFY_BLOCKS : POLICY_RULE_IDS) : null,
    category: maybe(r, 0.85, () => r.pick(CATEGORIES)),
    intent: maybe(r, 0.85, () => r.pick(INTENTS)),
    tier: maybe(r, 0.8, () => r.pick(CUSTOMER_TIERS)),
    guardrails: r.next() < 0.5 ? some(r, POLICY_RULE_IDS, 3) : [],
    otherSteps: (r.next() < 0.3 ? some(r, POLICY_RULE_IDS, 2) : []).map((name) => ({
      kind: r.next() < 0.5 ? "verification" : "tool_call",
      name,
    })),
    slaMoved: r.next() < 0.05,
  };
}

/** One action's own value for each condition, when it has one. */
function ownValues(a: ActionCase): Record<MatchField, string | null> {
  const fired = [
    ...a.guardrails,
    ...(a.blockedBy && !a.blockedBy.startsWith("verify:") ? [a.blockedBy] : []),
  ];
  return {
    kinds: a.kind,
    teams: a.kind === "escalation" ? a.team : null,
    categories: a.category,
    intents: a.intent,
    tiers: a.tier,
    firedRules: fired.length ? (fired[0] as string) : null,
  };
}

function randomMatch(r: Random, template: ActionCase | undefined): RoutingMatch {
  const own = template ? ownValues(template) : null;
  const raw: Partial<Record<MatchField, string[]>> = {};
  for (const field of MATCH_FIELDS) {
    if (r.next() >= 0.35) continue;
    const list = some(r, VALUES[field], 2);
    const mine = own?.[field];
    if (mine && r.next() < 0.75) list.splice(r.int(list.length + 1), 0, mine);
    raw[field] = list;
  }
  // A saved rule has at least one condition.
  if (!Object.keys(raw).length) raw.kinds = [own?.kinds ?? r.pick(ACTION_KINDS)];
  return routingMatchSchema.parse(raw);
}

export function randomScenario(r: Random, actionCount: number): Scenario {
  const groups = 1 + r.int(4);
  const actions = Array.from({ length: actionCount }, () => randomAction(r));
  const ruleCount = r.int(9);
  // Positions with gaps (a deleted rule leaves one) and, now and then, two rules at one position
  // (the app never stores that, but both routers must break the tie alike: the lower id first),
  // in no particular insertion order.
  const positions = Array.from({ length: ruleCount }, (_, i) => (r.next() < 0.2 ? i : i * 2 + 1 + r.int(2)));
  for (let i = positions.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [positions[i], positions[j]] = [positions[j] as number, positions[i] as number];
  }
  return {
    groups,
    defaultGroup: r.next() < 0.1 ? null : r.int(groups),
    rules: positions.map((position) => ({
      position,
      group: r.int(groups),
      match: randomMatch(r, r.next() < 0.7 ? r.pick(actions) : undefined),
      enabled: r.next() < 0.85,
    })),
    actions,
  };
}

/** The action's payload: what routing reads of it is an escalation's team. */
export function payloadOf(a: ActionCase): Record<string, unknown> {
  return a.team ? { team: a.team, reason: "Needs a person.", urgency: "normal" } : { text: "Hello." };
}

/** One customer per tier, for tickets to belong to. */
export async function insertTierCustomers(db: Db): Promise<Record<Tier, string>> {
  const rows = await db
    .insert(customers)
    .values(CUSTOMER_TIERS.map((tier) => ({ email: `${tier}@tiers.test`, name: tier, tier })))
    .returning({ id: customers.id, tier: customers.tier });
  return Object.fromEntries(rows.map((c) => [c.tier, c.id])) as Record<Tier, string>;
}

/** Ids in the order of the names' numbers (`… g0`, `… g1`, …, `… g10`), i.e. the scenario's order. */
const byName = (rows: { id: string; name: string }[]) =>
  rows.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true })).map((row) => row.id);

/** The scenario's groups, rules and actions (actions unrouted, or in a group when an SLA moved them). */
export async function insertScenario(
  db: Db,
  s: Scenario,
  tiers: Record<Tier, string>,
  tag: string,
): Promise<{ groupIds: string[]; ruleIds: string[]; actionIds: string[] }> {
  const groupIds = byName(
    await db
      .insert(reviewGroups)
      .values(
        Array.from({ length: s.groups }, (_, i) => ({
          name: `${tag} g${i}`,
          isDefault: i === s.defaultGroup,
        })),
      )
      .returning({ id: reviewGroups.id, name: reviewGroups.name }),
  );
  const ruleIds = s.rules.length
    ? byName(
        await db
          .insert(routingRules)
          .values(
            s.rules.map((rule, i) => ({
              name: `${tag} r${i}`,
              position: rule.position,
              groupId: groupIds[rule.group] as string,
              match: rule.match,
              enabled: rule.enabled,
            })),
          )
          .returning({ id: routingRules.id, name: routingRules.name }),
      )
    : [];
  const ticketRows = await db
    .insert(tickets)
    .values(
      s.actions.map((a, i) => ({
        externalId: `${tag}-${i}`,
        customerId: a.tier ? tiers[a.tier] : null,
        fromEmail: `${tag}-${i}@customer.test`,
        subject: "Routing",
        body: "Where is my order?",
        status: "awaiting_review" as const,
        triageCategory: a.category,
        triageIntent: a.intent,
      })),
    )
    .returning({ id: tickets.id, externalId: tickets.externalId });
  const ticketOf = new Map(ticketRows.map((t) => [t.externalId, t.id]));
  const ticketIds = s.actions.map((_, i) => ticketOf.get(`${tag}-${i}`) as string);
  const runRows = await db
    .insert(agentRuns)
    .values(ticketIds.map((ticketId) => ({ ticketId, status: "succeeded" as const, model: "offline" })))
    .returning({ id: agentRuns.id, ticketId: agentRuns.ticketId });
  const runOf = new Map(runRows.map((r) => [r.ticketId, r.id]));
  const runIds = ticketIds.map((t) => runOf.get(t) as string);
  const steps = s.actions.flatMap((a, i) =>
    [...a.guardrails.map((name) => ({ kind: "guardrail" as const, name })), ...a.otherSteps].map(
      (step, seq) => ({ ...step, runId: runIds[i] as string, seq: seq + 1 }),
    ),
  );
  if (steps.length) await db.insert(agentSteps).values(steps);
  const actionRows = await db
    .insert(agentActions)
    .values(
      s.actions.map((a, i) => ({
        runId: runIds[i] as string,
        ticketId: ticketIds[i] as string,
        kind: a.kind,
        status: a.status,
        blockedBy: a.blockedBy,
        payload: payloadOf(a),
        groupId: a.slaMoved ? (groupIds[i % groupIds.length] as string) : null,
        routedBy: a.slaMoved ? "sla" : null,
      })),
    )
    .returning({ id: agentActions.id, runId: agentActions.runId });
  const actionOf = new Map(actionRows.map((a) => [a.runId, a.id]));
  return { groupIds, ruleIds, actionIds: runIds.map((run) => actionOf.get(run) as string) };
}

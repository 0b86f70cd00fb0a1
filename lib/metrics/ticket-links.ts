import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { tickets } from "@/db/schema";
import { failedCheckSql } from "@/lib/agent/chain";
import { CHECKS } from "@/lib/agent/verify";
import { REASON_LABELS, REASON_TAGS } from "@/lib/review/schema";
import { type Range, resolvePeriod } from "./period";
import { decidedTicketsSql, hallucinatedSql, inRange } from "./sql";

/**
 * "Show me the tickets behind this number": the filters the dashboard links
 * to on the ticket list. Each one selects exactly the tickets its figure
 * counted, from the same SQL pieces (lib/metrics/sql.ts).
 */
export type TicketMetricFilter = { range: Range } & (
  | { kind: "reason"; tag: (typeof REASON_TAGS)[number] }
  | { kind: "check"; check: (typeof CHECKS)[number] }
  | { kind: "outcome"; outcome: "escalated" | "hallucination" }
  | { kind: "rule"; ruleId: string }
);

export const TICKET_OUTCOMES = ["escalated", "hallucination"] as const;

const linkSchema = z
  .object({
    reason: z.enum(REASON_TAGS, "That reason tag does not exist.").optional(),
    check: z.enum(CHECKS, "That verification check does not exist.").optional(),
    outcome: z.enum(TICKET_OUTCOMES, "outcome must be escalated or hallucination.").optional(),
    rule: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9:_-]{1,100}$/, "That rule id is not valid.")
      .optional(),
    from: z.string().trim().optional(),
    to: z.string().trim().optional(),
  })
  .refine((v) => [v.reason, v.check, v.outcome, v.rule].filter(Boolean).length <= 1, {
    message: "Use one of reason, check, outcome or rule at a time.",
  });

/** The query parameters a metric link sets on /tickets. */
export const TICKET_LINK_PARAMS = ["reason", "check", "outcome", "rule", "from", "to"] as const;

/**
 * Reads a metric filter from the ticket list's query. Returns null when the
 * query has none, or an error message (what is wrong, what to do) when it is
 * not valid.
 */
export function parseTicketMetricFilter(
  params: Record<string, string | undefined>,
  now: Date = new Date(),
): { filter: TicketMetricFilter | null; error?: string } {
  if (!params.reason && !params.check && !params.outcome && !params.rule) return { filter: null };
  const parsed = linkSchema.safeParse(params);
  if (!parsed.success) {
    return {
      filter: null,
      error: `${parsed.error.issues[0]?.message ?? "The filter is not valid."} Showing all tickets.`,
    };
  }
  let range: Range;
  try {
    range = resolvePeriod({ from: parsed.data.from, to: parsed.data.to }, now).current;
  } catch (error) {
    return {
      filter: null,
      error: `${error instanceof Error ? error.message : "The period is not valid."} Showing all tickets.`,
    };
  }
  const { reason, check, outcome, rule } = parsed.data;
  if (reason) return { filter: { kind: "reason", tag: reason, range } };
  if (check) return { filter: { kind: "check", check, range } };
  if (outcome) return { filter: { kind: "outcome", outcome, range } };
  return { filter: { kind: "rule", ruleId: rule as string, range } };
}

/** The condition on `tickets` that selects the filter's tickets. */
export function ticketMetricCondition(filter: TicketMetricFilter): SQL {
  const { range } = filter;
  let ids: SQL;
  switch (filter.kind) {
    case "reason":
      ids = sql`select ticket_id from reviews
                where ${inRange(sql`created_at`, range)} and ${filter.tag}::text = any(reason_tags)`;
      break;
    case "check":
      ids = sql`select r.ticket_id from agent_steps s join agent_runs r on r.id = s.run_id
                where ${failedCheckSql("s", [filter.check])}
                  and ${inRange(sql`r.started_at`, range)}`;
      break;
    case "outcome":
      ids =
        filter.outcome === "escalated"
          ? sql`select d.ticket_id from (${decidedTicketsSql(range)}) d where d.escalated`
          : sql`select v.ticket_id from reviews v
                where ${inRange(sql`v.created_at`, range)} and ${hallucinatedSql("v")}`;
      break;
    case "rule":
      ids = sql`select r.ticket_id from agent_runs r
                where ${inRange(sql`r.started_at`, range)} and (
                  exists (select 1 from agent_steps s
                          where s.run_id = r.id and s.kind = 'guardrail' and s.name = ${filter.ruleId}::text)
                  or exists (select 1 from agent_actions a where a.run_id = r.id and (
                    a.blocked_by = ${filter.ruleId}::text
                    or (a.kind = 'escalation' and a.payload->'ruleIds' @> jsonb_build_array(${filter.ruleId}::text)))))`;
      break;
  }
  return sql`${tickets.id} in (${ids})`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function formatRange(range: Range): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const wholeDays = range.from.getTime() % DAY_MS === 0 && range.to.getTime() % DAY_MS === 0;
  if (!wholeDays) return `from ${range.from.toISOString()} to ${range.to.toISOString()}`;
  const lastDay = new Date(range.to.getTime() - DAY_MS);
  return day(range.from) === day(lastDay)
    ? `on ${day(range.from)}`
    : `from ${day(range.from)} to ${day(lastDay)}`;
}

/** A sentence for the ticket list: which tickets these are. */
export function describeTicketMetricFilter(filter: TicketMetricFilter): string {
  const when = formatRange(filter.range);
  switch (filter.kind) {
    case "reason":
      return `Tickets with a review tagged “${REASON_LABELS[filter.tag]}” ${when} (UTC)`;
    case "check":
      return `Tickets whose agent run failed the ${filter.check.replaceAll("_", " ")} check, runs started ${when} (UTC)`;
    case "outcome":
      return filter.outcome === "escalated"
        ? `Tickets decided ${when} (UTC) whose outcome is escalated`
        : `Tickets with a reviewed reply counted as a hallucination ${when} (UTC)`;
    case "rule":
      return `Tickets where guardrail rule ${filter.ruleId} fired, blocked or forced an escalation, runs started ${when} (UTC)`;
  }
}

/** The ticket-list link for a filter: exact instants, so the list matches the figure to the second. */
export function ticketsHref(filter: TicketMetricFilter): string {
  const params = new URLSearchParams();
  if (filter.kind === "reason") params.set("reason", filter.tag);
  if (filter.kind === "check") params.set("check", filter.check);
  if (filter.kind === "outcome") params.set("outcome", filter.outcome);
  if (filter.kind === "rule") params.set("rule", filter.ruleId);
  params.set("from", filter.range.from.toISOString());
  params.set("to", filter.range.to.toISOString());
  return `/tickets?${params}`;
}

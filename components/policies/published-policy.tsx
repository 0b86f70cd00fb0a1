import { Badge } from "@/components/ui/badge";
import { formatCents, formatDateTime } from "@/lib/format";
import type { RuleFigures } from "@/lib/guardrails/figures";
import { RULE_TYPE_LABELS, type Rule, rulesSchema } from "@/lib/guardrails/rules";
import { type AgentShape, SHAPE_DESCRIPTIONS } from "@/lib/guardrails/shape";
import { RuleFigureLine } from "./rule-figures";

/** The settings of a rule in a few words; long patterns are kept for the details element. */
function settings(rule: Rule): string | null {
  switch (rule.type) {
    case "block_tool":
      return `Tool: ${rule.tool}`;
    case "block_action":
      return `Action kind: ${rule.action}`;
    case "escalate_keywords":
      return `To ${rule.team} on: ${rule.keywords.join(", ")}`;
    case "escalate_regex":
      return `To ${rule.team} on a regular expression`;
    case "escalate_intent":
      return `To ${rule.team} on intents: ${rule.intents.join(", ")}`;
    case "escalate_category":
      return `To ${rule.team} when triage says ${rule.category} with confidence ≥ ${rule.minConfidence}`;
    case "escalate_customer":
      return `To ${rule.team} for tiers: ${rule.values.join(", ")}`;
    case "escalate_amount":
      return `To ${rule.team} over ${formatCents(rule.overCents)}`;
    case "max_refund":
      return `Refunds up to ${formatCents(rule.maxCents)}`;
    case "require_citations":
      return null;
    case "budget":
      return `${rule.maxSteps} model steps, ${rule.maxTokens.toLocaleString("en-US")} tokens`;
  }
}

/** The version new runs use: instructions, and each rule with its figures. */
export function PublishedPolicy({
  published,
  figures,
}: {
  published: {
    version: number;
    instructions: string;
    rules: unknown;
    agentShape: AgentShape;
    publishedAt: Date | null;
  } | null;
  figures: Map<string, RuleFigures>;
}) {
  if (!published) {
    return (
      <p role="alert" className="rounded bg-red-50 p-3 text-red-800">
        No policy version is published, so the agent cannot run. Save a draft below and publish it.
      </p>
    );
  }
  const rules = rulesSchema.safeParse(published.rules);
  return (
    <section aria-labelledby="published-heading" className="rounded bg-white p-5 shadow-sm">
      <h2 id="published-heading" className="text-lg font-semibold">
        Published: version {published.version}{" "}
        <span className="text-sm font-normal text-slate-500">
          {published.publishedAt ? `since ${formatDateTime(published.publishedAt)}` : null}
        </span>
      </h2>
      <h3 className="mt-4 font-medium">Agent shape</h3>
      <p className="mt-1 text-sm text-slate-700">
        {published.agentShape}: {SHAPE_DESCRIPTIONS[published.agentShape]}
      </p>
      <h3 className="mt-4 font-medium">Planner instructions</h3>
      <p className="mt-1 whitespace-pre-wrap text-sm text-slate-700">{published.instructions}</p>
      <h3 className="mt-4 font-medium">Rules</h3>
      {rules.success ? (
        <ul className="mt-2 space-y-2">
          {rules.data.map((rule) => {
            const summary = settings(rule);
            return (
              <li key={rule.id} className="rounded border border-slate-200 p-3 text-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{rule.name}</span>
                  <Badge>{RULE_TYPE_LABELS[rule.type]}</Badge>
                  <code className="text-xs text-slate-500">{rule.id}</code>
                </div>
                <p className="mt-1 text-slate-600">{rule.explanation}</p>
                {summary ? <p className="mt-1 text-xs text-slate-600">{summary}</p> : null}
                {rule.type === "escalate_regex" ? (
                  <details className="mt-1 text-xs">
                    <summary className="cursor-pointer text-slate-600">Pattern</summary>
                    <code className="block break-all rounded bg-slate-50 p-2">{rule.pattern}</code>
                    {rule.unless ? (
                      <code className="mt-1 block break-all rounded bg-slate-50 p-2">
                        unless: {rule.unless}
                      </code>
                    ) : null}
                  </details>
                ) : null}
                <RuleFigureLine figures={figures.get(rule.id)} />
              </li>
            );
          })}
        </ul>
      ) : (
        <p role="alert" className="mt-2 text-sm text-red-700">
          The stored rules of this version do not validate, so the agent fails closed: it escalates every
          ticket and proposes nothing else until a valid version is published.
        </p>
      )}
    </section>
  );
}

import { humanize } from "@/lib/format";
import { type Rule, ruleSchema, TEAMS } from "../rules";
import { distinctiveTerms, termsOf } from "./terms";
import { type Evidence, MAX_EVIDENCE, MIN_SUPPORT, type MinedReview, type Suggestion } from "./types";

const textOf = (r: MinedReview) => `${r.subject}\n${r.body}`;

function evidenceOf(reviews: MinedReview[], detail: (r: MinedReview) => string): Evidence[] {
  return reviews.slice(0, MAX_EVIDENCE).map((r) => ({
    reviewId: r.reviewId,
    ticketId: r.ticketId,
    externalId: r.externalId,
    subject: r.subject,
    detail: detail(r),
  }));
}

/** The team reviewers sent these tickets to most often, or support. */
function teamOf(reviews: MinedReview[]): (typeof TEAMS)[number] {
  const counts = new Map<string, number>();
  for (const r of reviews) if (r.escalatedTo) counts.set(r.escalatedTo, (counts.get(r.escalatedTo) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  return (TEAMS as readonly string[]).includes(best ?? "") ? (best as (typeof TEAMS)[number]) : "support";
}

/** A rule id not taken by the policy: `base`, else `base-2`, `base-3`… */
function freeId(base: string, rules: Rule[]): string {
  const taken = new Set(rules.map((r) => r.id));
  const clean = base.replace(/[^a-z0-9-]+/g, "-").slice(0, 56);
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean}-${i}`)) return `${clean}-${i}`;
}

const valid = (rule: Rule): Rule | null => {
  const parsed = ruleSchema.safeParse(rule);
  return parsed.success ? parsed.data : null;
};

/**
 * Up to `max` terms, greedily, each adding the most flagged tickets not yet
 * covered (ties in the candidates' order); none unless together they cover
 * MIN_SUPPORT tickets.
 */
function coveringTerms(flagged: MinedReview[], candidates: string[], max: number): string[] {
  const termSets = flagged.map((r) => termsOf(textOf(r)));
  const covered = new Set<number>();
  const picked: string[] = [];
  while (picked.length < max) {
    let best: { term: string; gain: number } | null = null;
    for (const term of candidates) {
      if (picked.includes(term)) continue;
      const gain = termSets.filter((set, i) => !covered.has(i) && set.has(term)).length;
      if (gain > 0 && (!best || gain > best.gain)) best = { term, gain };
    }
    if (!best) break;
    const chosen = best.term;
    picked.push(chosen);
    termSets.forEach((set, i) => {
      if (set.has(chosen)) covered.add(i);
    });
  }
  return covered.size >= MIN_SUPPORT ? picked : [];
}

/**
 * "Should have escalated" on replies: an escalation rule for the intent they
 * share, or else for the terms they share that approved replies rarely hold.
 */
export function mineShouldHaveEscalated(reviews: MinedReview[], rules: Rule[]): Suggestion[] {
  const flagged = reviews.filter(
    (r) => r.actionKind === "reply" && r.reasonTags.includes("should_have_escalated"),
  );
  const suggestions: Suggestion[] = [];
  const covered = new Set(rules.flatMap((r) => (r.type === "escalate_intent" ? r.intents : [])));
  const byIntent = new Map<string, MinedReview[]>();
  for (const r of flagged) {
    if (!r.intent || covered.has(r.intent)) continue;
    byIntent.set(r.intent, [...(byIntent.get(r.intent) ?? []), r]);
  }
  for (const [intent, group] of [...byIntent].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (group.length < MIN_SUPPORT) continue;
    const rule = valid({
      id: freeId(`suggested-escalate-${intent.replaceAll("_", "-")}`, rules),
      type: "escalate_intent",
      name: `Escalate ${humanize(intent)}`,
      explanation: `Reviewers said ${group.length} replies to ${humanize(intent)} tickets should have been escalated.`,
      intents: [intent],
      team: teamOf(group),
    });
    if (!rule) continue;
    suggestions.push({
      id: `intent:${intent}`,
      kind: "new_escalation_rule",
      title: `Escalate ${humanize(intent)} tickets to ${teamOf(group)}`,
      rationale: `${group.length} replies to tickets your helpdesk classed as ${humanize(intent)} were tagged "Should have escalated".`,
      change: { type: "add_rule", rule },
      evidence: evidenceOf(group, () => `tagged "Should have escalated" (${humanize(intent)})`),
      support: group.length,
    });
  }
  // Flagged tickets no intent rule above would catch: the terms they share.
  const suggestedIntents = new Set(suggestions.map((s) => s.id.slice("intent:".length)));
  const rest = flagged.filter((r) => !r.intent || !suggestedIntents.has(r.intent));
  const approved = reviews.filter(
    (r) => r.actionKind === "reply" && r.decision === "approve" && r.reasonTags.length === 0,
  );
  const known = new Set(
    rules.flatMap((r) => (r.type === "escalate_keywords" ? r.keywords.map((k) => k.toLowerCase()) : [])),
  );
  const candidates = distinctiveTerms(rest.map(textOf), approved.map(textOf), {
    minSupport: 2,
    precision: 0.75,
    max: 20,
  }).filter((t) => !known.has(t.term));
  const terms = coveringTerms(
    rest,
    candidates.map((t) => t.term),
    3,
  );
  if (terms.length > 0) {
    const keywords = terms;
    const matching = rest.filter((r) => keywords.some((k) => termsOf(textOf(r)).has(k)));
    const rule = valid({
      id: freeId(`suggested-escalate-${keywords[0]}`, rules),
      type: "escalate_keywords",
      name: `Escalate tickets mentioning ${keywords.join(", ")}`,
      explanation: `Reviewers said ${matching.length} replies to tickets mentioning ${keywords.join(", ")} should have been escalated.`,
      keywords,
      team: teamOf(matching),
    });
    if (rule) {
      suggestions.push({
        id: `keywords:${keywords.join(",")}`,
        kind: "new_escalation_rule",
        title: `Escalate tickets that mention ${keywords.map((k) => `"${k}"`).join(", ")}`,
        rationale: `${matching.length} replies tagged "Should have escalated" share these words, which approved replies' tickets rarely use.`,
        change: { type: "add_rule", rule },
        evidence: evidenceOf(matching, (r) => {
          const found = termsOf(textOf(r));
          return `tagged "Should have escalated"; mentions ${keywords.filter((k) => found.has(k)).join(", ")}`;
        }),
        support: matching.length,
      });
    }
  }
  return suggestions;
}

/** The rule narrowed so it spares the tickets reviewers said it should not have escalated, or null. */
function narrowed(
  rule: Rule,
  flagged: MinedReview[],
  confirmed: MinedReview[],
): { after: Rule; how: string } | null {
  if (rule.type === "escalate_category") {
    const readings = flagged.flatMap((r) => {
      const score = r.riskScores[rule.category];
      return score === undefined ? [] : [score];
    });
    if (readings.length < MIN_SUPPORT) return null;
    const highest = Math.max(...readings);
    // Five points above the most confident of them, in whole percent (no float noise: 0.62 → 0.67).
    const minConfidence = Math.min(1, (Math.ceil(highest * 100 - 1e-9) + 5) / 100);
    if (minConfidence <= rule.minConfidence) return null;
    const after = valid({ ...rule, minConfidence });
    return after
      ? { after, how: `raise its minimum confidence from ${rule.minConfidence} to ${minConfidence}` }
      : null;
  }
  if (rule.type === "escalate_keywords" || rule.type === "escalate_regex") {
    const terms = distinctiveTerms(flagged.map(textOf), confirmed.map(textOf), {
      minSupport: Math.max(MIN_SUPPORT, Math.ceil(flagged.length / 2)),
      precision: 1,
      max: 2,
    }).map((t) => t.term);
    if (terms.length === 0) return null;
    const exception = `\\b(?:${terms.join("|")})\\b`;
    const after = valid({ ...rule, unless: rule.unless ? `(?:${rule.unless})|${exception}` : exception });
    return after ? { after, how: `add an exception for tickets that mention ${terms.join(" or ")}` } : null;
  }
  return null;
}

/** "Should not have escalated" on a rule's escalations: narrow that rule. */
export function mineShouldNotHaveEscalated(reviews: MinedReview[], rules: Rule[]): Suggestion[] {
  const suggestions: Suggestion[] = [];
  for (const rule of rules) {
    const forced = reviews.filter((r) => r.actionKind === "escalation" && r.ruleIds.includes(rule.id));
    const flagged = forced.filter(
      (r) => r.reasonTags.includes("should_not_have_escalated") || r.decision === "reject",
    );
    if (flagged.filter((r) => r.reasonTags.includes("should_not_have_escalated")).length < MIN_SUPPORT)
      continue;
    const confirmed = forced.filter((r) => !flagged.includes(r));
    const change = narrowed(rule, flagged, confirmed);
    if (!change) continue;
    suggestions.push({
      id: `narrow:${rule.id}`,
      kind: "narrow_rule",
      title: `Narrow "${rule.name}": ${change.how}`,
      rationale: `${flagged.length} of the ${forced.length} escalations this rule forced were rejected or tagged "Should not have escalated".`,
      change: { type: "replace_rule", before: rule, after: change.after },
      evidence: evidenceOf(flagged, (r) =>
        r.reasonTags.includes("should_not_have_escalated")
          ? `tagged "Should not have escalated"`
          : "escalation rejected",
      ),
      support: flagged.length,
    });
  }
  return suggestions;
}

import type { Metadata } from "next";
import { connection } from "next/server";
import { Suspense } from "react";
import { CompareVersions, type Comparison } from "@/components/policies/policy-diff";
import { PolicyWorkbench } from "@/components/policies/policy-workbench";
import { PublishedPolicy } from "@/components/policies/published-policy";
import { OtherRuleFigures } from "@/components/policies/rule-figures";
import { SuggestionsLoading, SuggestionsSection } from "@/components/policies/suggestions-section";
import { VersionHistory } from "@/components/policies/version-history";
import { getDb } from "@/db";
import { listPolicyVersions, type PolicyVersionSummary } from "@/db/queries/policies";
import { verificationBlock } from "@/lib/agent/chain";
import { CHECKS } from "@/lib/agent/verify";
import { requirePageScope } from "@/lib/auth/guards";
import { diffPolicies } from "@/lib/guardrails/diff";
import { loadRuleFigures } from "@/lib/guardrails/figures";
import { FAIL_CLOSED_RULES, rulesProblem } from "@/lib/guardrails/policy";
import { rulesSchema } from "@/lib/guardrails/rules";

export const metadata: Metadata = { title: "Policies" };

function compare(versions: PolicyVersionSummary[], from?: number, to?: number): Comparison {
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  if (!a || !b) return null;
  const before = rulesSchema.safeParse(a.rules);
  const after = rulesSchema.safeParse(b.rules);
  if (!before.success || !after.success) {
    const broken = before.success ? b : a;
    return {
      from: a.version,
      to: b.version,
      problem: `Version ${broken.version}'s stored rules do not validate (${rulesProblem(broken.rules)}), so they cannot be compared rule by rule.`,
    };
  }
  return {
    from: a.version,
    to: b.version,
    diff: diffPolicies(
      { rules: before.data, instructions: a.instructions, agentShape: a.agentShape },
      { rules: after.data, instructions: b.instructions, agentShape: b.agentShape },
    ),
  };
}

/** Names for rule ids that are not rules of any version. */
const PSEUDO_RULES: Record<string, string> = {
  ...Object.fromEntries(FAIL_CLOSED_RULES.map((r) => [r.id, r.name])),
  ...Object.fromEntries(CHECKS.map((c) => [verificationBlock(c), `Verification: ${c.replaceAll("_", " ")}`])),
};

export default async function PoliciesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  await requirePageScope("policies:write");
  const params = await searchParams;
  const number = (key: string) => {
    const value = Number(typeof params[key] === "string" ? params[key] : Number.NaN);
    return Number.isInteger(value) ? value : undefined;
  };
  const db = await getDb();
  const [versions, figures] = await Promise.all([listPolicyVersions(db), loadRuleFigures(db)]);
  const published = versions.find((v) => v.status === "published") ?? null;
  const draft = versions.find((v) => v.status === "draft") ?? null;
  const previous = versions.find((v) => v.status === "retired");

  // By default: what the draft would change, or else what the last publish changed.
  const from = number("from") ?? (draft ? published?.version : previous?.version);
  const to = number("to") ?? (draft ? draft.version : published?.version);
  const comparison = compare(versions, from, to);

  const publishedRules = rulesSchema.safeParse(published?.rules);
  const inPublished = new Set(publishedRules.success ? publishedRules.data.map((r) => r.id) : []);
  const names = new Map<string, string>(Object.entries(PSEUDO_RULES));
  for (const v of [...versions].reverse()) {
    const parsed = rulesSchema.safeParse(v.rules);
    if (parsed.success) for (const r of parsed.data) names.set(r.id, r.name);
  }
  const others = [...figures.values()]
    .filter((f) => !inPublished.has(f.ruleId))
    .map((f) => ({ label: names.get(f.ruleId) ?? "Unknown rule", figures: f }));
  const justPublished = number("published");
  const opened = number("opened");

  return (
    <section aria-labelledby="policies-heading" className="space-y-6">
      <h1 id="policies-heading" className="text-xl font-semibold">
        Guardrail policies
      </h1>
      {justPublished !== undefined && published?.version === justPublished ? (
        <p role="status" className="rounded bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Version {justPublished} is published: new runs use it. Runs already made keep the version they ran
          under.
        </p>
      ) : null}
      {opened !== undefined && draft?.version === opened ? (
        <p role="status" className="rounded bg-sky-50 px-3 py-2 text-sm text-sky-900">
          Draft version {opened} holds the suggested change. Check its dry-run below, then edit, discard or
          publish it.
        </p>
      ) : null}
      <PublishedPolicy published={published} figures={figures} />
      <PolicyWorkbench
        key={published?.id ?? "none"}
        published={published ? { id: published.id, version: published.version } : null}
        base={{
          rules: Array.isArray(published?.rules) ? published.rules : [],
          instructions: published?.instructions ?? "",
          agentShape: published?.agentShape ?? "loop",
        }}
        draft={
          draft
            ? {
                id: draft.id,
                version: draft.version,
                rules: Array.isArray(draft.rules) ? draft.rules : [],
                instructions: draft.instructions,
                agentShape: draft.agentShape,
                note: draft.note,
                problem: rulesProblem(draft.rules),
              }
            : null
        }
      />
      <Suspense fallback={<SuggestionsLoading />}>
        <SuggestionsSection draftVersion={draft?.version ?? null} />
      </Suspense>
      <OtherRuleFigures rows={others} />
      <VersionHistory versions={versions} publishedId={published?.id ?? null} />
      <CompareVersions versions={versions} comparison={comparison} />
    </section>
  );
}

import type { Metadata } from "next";
import { connection } from "next/server";
import { GroupForm } from "@/components/routing/group-form";
import { RuleForm } from "@/components/routing/rule-form";
import { RuleList } from "@/components/routing/rule-list";
import { getDb } from "@/db";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { listPeople, listReviewGroups, listRoutingRules } from "@/db/queries/routing";
import { requirePageScope } from "@/lib/auth/guards";
import { loadPolicy } from "@/lib/guardrails/policy";

export const metadata: Metadata = { title: "Routing" };

export default async function RoutingPage() {
  await connection();
  await requirePageScope("users:manage");
  const db = await getDb();
  const [groups, rules, people, policyRow] = await Promise.all([
    listReviewGroups(db),
    listRoutingRules(db),
    listPeople(db),
    getPublishedPolicyRow(db),
  ]);
  const policyRuleIds = policyRow ? loadPolicy(policyRow).rules.map((r) => r.id) : [];
  const choices = groups.map((g) => ({ id: g.id, name: g.name }));
  return (
    <section aria-labelledby="routing-heading" className="space-y-6">
      <div>
        <h1 id="routing-heading" className="text-xl font-semibold">
          Routing
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Each proposed action goes to one review group: the first enabled rule below that it matches, or the
          default group. Reviewers see only their groups' queues (admins see every queue). Saving a group or a
          rule routes the undecided actions again.
          {groups.length === 0 ? " Routing is off until you create the first group." : null}
        </p>
      </div>
      <section aria-labelledby="groups-heading" className="space-y-3">
        <h2 id="groups-heading" className="text-lg font-semibold">
          Review groups
        </h2>
        {groups.map((g) => (
          <GroupForm key={g.id} group={g} people={people} groups={choices} />
        ))}
        <GroupForm key="new" people={people} groups={choices} />
      </section>
      <section aria-labelledby="rules-heading" className="space-y-3">
        <h2 id="rules-heading" className="text-lg font-semibold">
          Rules, in order
        </h2>
        {groups.length === 0 ? (
          <p className="text-sm text-slate-600">Create a group first: rules send actions to groups.</p>
        ) : (
          <>
            <RuleList rules={rules} groups={choices} policyRuleIds={policyRuleIds} />
            <div className="rounded bg-white p-4 shadow-sm">
              <h3 className="mb-2 font-semibold">New rule</h3>
              <RuleForm groups={choices} policyRuleIds={policyRuleIds} />
            </div>
          </>
        )}
      </section>
    </section>
  );
}

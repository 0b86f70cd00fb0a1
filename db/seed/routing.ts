import { inArray } from "drizzle-orm";
import { reapplyRouting } from "@/lib/routing/reapply";
import type { Db } from "../client";
import { reviewGroupMembers, reviewGroups, routingRules, users } from "../schema";

/** The demo's review groups: Frontline takes what no rule matches; Legal and VIP work go elsewhere. */
const GROUPS = [
  {
    name: "Frontline",
    description: "Everyday replies, refunds and escalations.",
    slaMinutes: 240,
    hardLimitMinutes: 2880,
    overflow: "Leads",
    isDefault: true,
    members: [
      { email: "reviewer@example.com", isLead: false },
      { email: "admin@example.com", isLead: false },
    ],
  },
  {
    name: "Legal",
    description: "Escalations to the legal team.",
    slaMinutes: 480,
    hardLimitMinutes: 2880,
    overflow: "Leads",
    isDefault: false,
    members: [{ email: "legal@example.com", isLead: false }],
  },
  {
    name: "Leads",
    description: "VIP customers and whatever waited past its group's SLA.",
    slaMinutes: null,
    hardLimitMinutes: null,
    overflow: null,
    isDefault: false,
    members: [{ email: "admin@example.com", isLead: true }],
  },
] as const;

const RULES = [
  { name: "Legal escalations", group: "Legal", match: { kinds: ["escalation"], teams: ["legal"] } },
  { name: "VIP customers", group: "Leads", match: { tiers: ["vip"] } },
];

/**
 * Turns routing on for the demo (only on a database without groups): three groups, two rules,
 * then every undecided action is routed. Returns how many were routed (0 when groups existed).
 */
export async function seedDemoRouting(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const existing = await tx.select({ id: reviewGroups.id }).from(reviewGroups).limit(1);
    if (existing.length) return 0;
    const created = await tx
      .insert(reviewGroups)
      .values(GROUPS.map(({ members: _m, overflow: _o, ...g }) => g))
      .returning({ id: reviewGroups.id, name: reviewGroups.name });
    const idOf = (name: string) => created.find((g) => g.name === name)?.id as string;
    for (const g of GROUPS) {
      if (g.overflow)
        await tx
          .update(reviewGroups)
          .set({ overflowGroupId: idOf(g.overflow) })
          .where(inArray(reviewGroups.id, [idOf(g.name)]));
    }
    const people = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.email, [...new Set(GROUPS.flatMap((g) => g.members.map((m) => m.email)))]));
    const members = GROUPS.flatMap((g) =>
      g.members.flatMap((m) => {
        const user = people.find((p) => p.email === m.email);
        return user ? [{ groupId: idOf(g.name), userId: user.id, isLead: m.isLead }] : [];
      }),
    );
    if (members.length) await tx.insert(reviewGroupMembers).values(members);
    await tx
      .insert(routingRules)
      .values(
        RULES.map((r, i) => ({ name: r.name, position: i + 1, groupId: idOf(r.group), match: r.match })),
      );
    return (await reapplyRouting(tx)).routed;
  });
}

import { randomUUID } from "node:crypto";
import type { Db } from "@/db";
import { agentActions, agentRuns, reviewGroups, tickets, users } from "@/db/schema";

const MINUTE = 60_000;
export const minutesAgo = (m: number) => new Date(Date.now() - m * MINUTE);

/** A review group inserted directly, as the routing admin would have made it. */
export async function insertGroup(
  db: Db,
  spec: {
    name: string;
    slaMinutes?: number | null;
    hardLimitMinutes?: number | null;
    overflowGroupId?: string | null;
  },
): Promise<string> {
  const [group] = await db
    .insert(reviewGroups)
    .values({
      name: spec.name,
      slaMinutes: spec.slaMinutes ?? null,
      hardLimitMinutes: spec.hardLimitMinutes ?? null,
      overflowGroupId: spec.overflowGroupId ?? null,
    })
    .returning({ id: reviewGroups.id });
  return group?.id as string;
}

export async function insertPerson(db: Db, name: string): Promise<{ id: string; name: string }> {
  const [person] = await db
    .insert(users)
    .values({
      email: `${randomUUID()}@example.test`,
      name,
      passwordHash: "not-a-real-hash",
      role: "reviewer",
    })
    .returning({ id: users.id, name: users.name });
  return person as { id: string; name: string };
}

/** One ticket awaiting review with one finished run and one undecided action, proposed when told. */
export async function insertWaitingAction(
  db: Db,
  spec: {
    groupId: string | null;
    ageMinutes: number;
    kind?: "reply" | "escalation" | "refund";
    claimedBy?: string;
    claimExpiresAt?: Date;
  },
): Promise<{ id: string; ticketId: string }> {
  const createdAt = minutesAgo(spec.ageMinutes);
  const key = randomUUID();
  const [ticket] = await db
    .insert(tickets)
    .values({
      externalId: `sla-${key}`,
      fromEmail: `${key}@customer.test`,
      subject: `Waiting ${spec.ageMinutes} minutes`,
      body: "Where is my order?",
      status: "awaiting_review",
      createdAt,
    })
    .returning({ id: tickets.id });
  const ticketId = ticket?.id as string;
  const [run] = await db
    .insert(agentRuns)
    .values({ ticketId, status: "succeeded", model: "offline", startedAt: createdAt, endedAt: createdAt })
    .returning({ id: agentRuns.id });
  const kind = spec.kind ?? "reply";
  const [action] = await db
    .insert(agentActions)
    .values({
      runId: run?.id as string,
      ticketId,
      kind,
      status: kind === "refund" ? "blocked" : "pending_review",
      blockedBy: kind === "refund" ? "no-payments" : null,
      payload:
        kind === "reply"
          ? { text: "Your parcel left the warehouse yesterday.", citations: [], model: "offline" }
          : kind === "escalation"
            ? { reason: "Needs a person.", team: "support", urgency: "normal", ruleIds: [] }
            : { orderNumber: "ORD-000001", amountCents: 1200, reason: "Damaged." },
      groupId: spec.groupId,
      routedBy: spec.groupId ? "default" : null,
      claimedBy: spec.claimedBy ?? null,
      claimExpiresAt: spec.claimExpiresAt ?? null,
      createdAt,
    })
    .returning({ id: agentActions.id });
  return { id: action?.id as string, ticketId };
}

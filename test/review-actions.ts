import { asc } from "drizzle-orm";
import type { Db } from "@/db";
import { type ActionKind, type ActionStatus, agentActions, agentRuns, tickets, users } from "@/db/schema";

export interface Person {
  id: string;
  name: string;
  role: "reviewer" | "admin";
}

/** Reviewers named `<prefix> 1` … `<prefix> n`. */
export async function insertReviewers(db: Db, n: number, prefix: string): Promise<Person[]> {
  return db
    .insert(users)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `${prefix}-${i + 1}@example.test`,
        name: `${prefix} ${i + 1}`,
        passwordHash: "not-a-real-hash",
        role: "reviewer" as const,
      })),
    )
    .returning({ id: users.id, name: users.name, role: users.role });
}

export interface ActionSpec {
  kind?: ActionKind;
  status?: ActionStatus;
  createdAt: Date;
}

/** Undecided (or decided) actions on seeded tickets, each with a finished run, created when told. */
export function actionFactory(db: Db) {
  let ticketIds: string[] | null = null;
  let next = 0;
  return async (specs: ActionSpec[]): Promise<{ id: string; ticketId: string }[]> => {
    ticketIds ??= (await db.select({ id: tickets.id }).from(tickets).orderBy(asc(tickets.externalId))).map(
      (t) => t.id,
    );
    const out: { id: string; ticketId: string }[] = [];
    for (const spec of specs) {
      const ticketId = ticketIds[next++ % ticketIds.length] as string;
      const [run] = await db
        .insert(agentRuns)
        .values({
          ticketId,
          status: "succeeded",
          model: "offline",
          startedAt: spec.createdAt,
          endedAt: spec.createdAt,
        })
        .returning({ id: agentRuns.id });
      const kind = spec.kind ?? "reply";
      const payload =
        kind === "reply"
          ? { text: "Your parcel left the warehouse yesterday.", citations: [], model: "offline" }
          : kind === "escalation"
            ? { reason: "Needs a person.", team: "support", urgency: "normal", ruleIds: [] }
            : { orderNumber: "ORD-000001", amountCents: 1200, reason: "Damaged." };
      const [action] = await db
        .insert(agentActions)
        .values({
          runId: run?.id as string,
          ticketId,
          kind,
          status: spec.status ?? "pending_review",
          payload,
          blockedBy: spec.status === "blocked" ? "no-payments" : null,
          createdAt: spec.createdAt,
        })
        .returning({ id: agentActions.id, ticketId: agentActions.ticketId });
      if (action) out.push(action);
    }
    return out;
  };
}

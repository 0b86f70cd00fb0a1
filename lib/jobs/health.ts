import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { type AgentHealth, agentHealth } from "@/lib/agent/models/health";
import { type DatabaseKind, databaseKind, defaultModelId } from "@/lib/env";
import { type Backlog, readBacklog } from "./backlog";

/** How long the health check waits for the database before answering 503. */
export const HEALTH_DEADLINE_MS = 3_000;

export type HealthReport =
  | { status: "ok"; database: DatabaseKind; model: string; agent: AgentHealth; backlog: Backlog }
  | { status: "unavailable"; database: DatabaseKind; model: string; agent: AgentHealth; reason: string };

class DeadlineError extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError()), ms);
  });
  // A late failure of the abandoned work is not an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The health report. Its 503 says what is wrong in the app's words only ("the
 * database is unreachable", "did not answer within 3 s"); the driver's message
 * goes to the server log, never to the response.
 */
export async function readHealth(
  open: () => Promise<DatabaseHandle>,
  deadlineMs = HEALTH_DEADLINE_MS,
): Promise<HealthReport> {
  const database = databaseKind();
  const model = defaultModelId();
  try {
    return await withDeadline(
      (async () => {
        const { db } = await open();
        await db.execute(sql`select 1`);
        const [backlog, agent] = await Promise.all([readBacklog(db), agentHealth(db)]);
        return { status: "ok" as const, database, model, agent, backlog };
      })(),
      deadlineMs,
    );
  } catch (error) {
    const timedOut = error instanceof DeadlineError;
    if (!timedOut)
      console.error("health: database check failed:", error instanceof Error ? error.message : error);
    return {
      status: "unavailable",
      database,
      model,
      agent: await agentHealth(null),
      reason: timedOut
        ? `The database did not answer within ${Math.round(deadlineMs / 1000)} s.`
        : "The database is unreachable.",
    };
  }
}

import "server-only";
import { getDb } from "@/db";
import type { DecisionRouteDeps } from "@/lib/api/decisions";
import type { QueueRouteDeps } from "@/lib/api/queue";
import type { ProgressRouteDeps } from "@/lib/api/tickets";
import { currentUser } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { appQueue } from "@/lib/jobs/app-queue";
import { DRAFT_QUEUE, enqueueDeliveries, enqueueDrafts } from "@/lib/jobs/queue";
import type { Route, RouteDeps } from "./route";

/** What the app's route handlers depend on: its database, the Auth.js session, settings and queues. */
export const appDeps: RouteDeps & QueueRouteDeps & ProgressRouteDeps & DecisionRouteDeps = {
  db: getDb,
  user: currentUser,
  slaMinutes: () => env().REVIEW_SLA_MINUTES,
  queuedDrafts: async () => (await appQueue()).getQueueSize(DRAFT_QUEUE),
  queueAfterDecision: async ({ outboxId, releaseAt, redraft }) => {
    const boss = await appQueue();
    if (outboxId) await enqueueDeliveries(boss, [outboxId], { startAfter: releaseAt ?? undefined });
    if (redraft) await enqueueDrafts(boss, [redraft]);
  },
};

export type AppDeps = typeof appDeps;

/** A route handler of lib/api bound to the app's dependencies (what a route file exports). */
export function appRoute(route: (deps: AppDeps) => Route): Route {
  return route(appDeps);
}

import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { connection } from "next/server";
import { QueueView } from "@/components/review/queue-view";
import { SecondReviewList } from "@/components/review/second-review-list";
import { getDb } from "@/db";
import { listGroupNames } from "@/db/queries/routing";
import { requirePageScope } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { getQueryClient } from "@/lib/query-client";
import { loadQueue, queueParamsSchema } from "@/lib/review/queue";
import { queueKey } from "@/lib/review/queue-key";
import { listSecondReviews } from "@/lib/review/second-review";

export const metadata: Metadata = { title: "Review queue" };

export default async function QueuePage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await connection();
  const user = await requirePageScope("actions:review");
  const parsed = queueParamsSchema.safeParse(await searchParams);
  const params = parsed.success ? parsed.data : {};
  const queryClient = getQueryClient();
  // Prefetched on the server: the first paint has the data, the client then keeps it fresh.
  await queryClient.prefetchQuery({
    queryKey: queueKey(params),
    queryFn: async () => loadQueue(await getDb(), params, user, { slaMinutes: env().REVIEW_SLA_MINUTES }),
  });
  const secondReviews = await listSecondReviews(await getDb(), user);
  // Admins see every group's queue and may narrow it to one.
  const groups = user.role === "admin" ? await listGroupNames(await getDb()) : undefined;
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <QueueView initialParams={params} groups={groups} />
      <SecondReviewList items={secondReviews} />
    </HydrationBoundary>
  );
}

import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { connection } from "next/server";
import { MetricsDashboard } from "@/components/metrics/metrics-dashboard";
import { getDb } from "@/db";
import { requirePageScope } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { metricsParamsSchema } from "@/lib/metrics/period";
import { type MetricsSearch, metricsKey } from "@/lib/metrics/query-key";
import { loadMetricsReport, parseMetricsQuery } from "@/lib/metrics/report";
import { getQueryClient } from "@/lib/query-client";

export const metadata: Metadata = { title: "Metrics" };

export default async function MetricsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  await connection();
  await requirePageScope("metrics:read");
  // An empty field of the period form means "not set".
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v),
  );
  const now = new Date();
  let search: MetricsSearch = { groupBy: "day" };
  let error: string | null = null;
  try {
    parseMetricsQuery(raw, now);
    const parsed = metricsParamsSchema.parse(raw);
    search = { from: parsed.from, to: parsed.to, groupBy: parsed.groupBy };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    error = `${e.message} Showing the last 30 days instead.`;
  }
  const queryClient = getQueryClient();
  // Prefetched on the server with the same function the API calls: the first paint has the figures.
  await queryClient.prefetchQuery({
    queryKey: metricsKey(search),
    queryFn: async () => loadMetricsReport(await getDb(), parseMetricsQuery({ ...search }, now)),
  });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <MetricsDashboard search={search} today={now.toISOString().slice(0, 10)} error={error} />
    </HydrationBoundary>
  );
}

import type { GroupBy } from "./period";

/** The dashboard's query as it appears in the URL: every part optional except the cut. */
export interface MetricsSearch {
  from?: string;
  to?: string;
  groupBy: GroupBy;
}

/** The TanStack Query key of a metrics report, shared by the server prefetch and the client. */
export function metricsKey(search: MetricsSearch) {
  return ["metrics", search.from ?? null, search.to ?? null, search.groupBy] as const;
}

/** `from=…&to=…&groupBy=…` with the empty parts left out. */
export function metricsQueryString(search: Partial<MetricsSearch>): string {
  const params = new URLSearchParams();
  if (search.from) params.set("from", search.from);
  if (search.to) params.set("to", search.to);
  if (search.groupBy && search.groupBy !== "day") params.set("groupBy", search.groupBy);
  return params.toString();
}

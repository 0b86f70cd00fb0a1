"use client";

import { useQuery } from "@tanstack/react-query";
import type { ImportJobView } from "@/lib/imports/import-jobs";

/** GET /api/v1/imports/{id}'s body. */
export type ImportProgress = Omit<ImportJobView, "fileName" | "createdAt">;

export const importKey = (id: string) => ["import", id] as const;
export const RECENT_IMPORTS_KEY = ["imports"] as const;
const POLL_MS = 1_000;

async function readJson<T>(url: string, failure: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message ?? failure);
  return body as T;
}

const running = (status: string | undefined) => status === "queued" || status === "running";

/** One import, read every second until it is done or failed. */
export function useImportJob(id: string) {
  return useQuery({
    queryKey: importKey(id),
    queryFn: () =>
      readJson<ImportProgress>(`/api/v1/imports/${id}`, "Could not read the import's progress; retrying."),
    refetchInterval: (query) => (query.state.data && !running(query.state.data.status) ? false : POLL_MS),
    staleTime: 0,
  });
}

/** The latest imports, read again every few seconds while one of them is still running. */
export function useRecentImports(initial: ImportJobView[]) {
  return useQuery({
    queryKey: RECENT_IMPORTS_KEY,
    queryFn: () =>
      readJson<{ imports: ImportJobView[] }>("/api/v1/imports", "Could not read the recent imports.").then(
        (b) => b.imports,
      ),
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.some((i) => running(i.status)) ? 2 * POLL_MS : false),
  });
}

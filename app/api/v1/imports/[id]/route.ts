import { importRoute } from "@/lib/api/imports";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** One CSV import's progress: see lib/api/imports.ts. */
export const GET = appRoute(importRoute);

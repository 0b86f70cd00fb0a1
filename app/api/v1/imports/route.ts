import { importsRoute } from "@/lib/api/imports";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** The latest CSV imports with their state: see lib/api/imports.ts. */
export const GET = appRoute(importsRoute);

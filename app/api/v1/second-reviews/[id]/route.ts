import { secondReviewRoute } from "@/lib/api/second-reviews";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** A blind second review: see lib/api/second-reviews.ts. */
export const GET = appRoute(secondReviewRoute);

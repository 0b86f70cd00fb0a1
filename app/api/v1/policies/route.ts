import { listPoliciesRoute } from "@/lib/api/policies";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** The policy versions and the published one's rules (admins). */
export const GET = appRoute(listPoliciesRoute);

import { publishRoute } from "@/lib/api/policies";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Publishes the draft: 409 when another version went live first (pass expectedPublishedId to be sure). */
export const POST = appRoute(publishRoute);

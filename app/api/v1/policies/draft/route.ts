import { discardDraftRoute, saveDraftRoute } from "@/lib/api/policies";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Saves the draft (creates it when the body has no draftId): 400 with every problem when it does not validate. */
export const PUT = appRoute(saveDraftRoute);

/** Discards the draft named in the body. */
export const DELETE = appRoute(discardDraftRoute);

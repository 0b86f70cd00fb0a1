import { getDb } from "@/db";
import { withScope } from "@/lib/auth/route";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { loadQueue, queueParamsSchema } from "@/lib/review/queue";

export const dynamic = "force-dynamic";

/** The review queue: undecided actions, oldest first, with counts per filter. */
export const GET = withScope("actions:review", async (request, user) => {
  const params = queueParamsSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!params.success) {
    throw new AppError("bad_request:queue", params.error.issues[0]?.message ?? "Check the filters.");
  }
  const page = await loadQueue(await getDb(), params.data, user, { slaMinutes: env().REVIEW_SLA_MINUTES });
  return Response.json(page);
});

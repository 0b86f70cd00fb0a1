import { z } from "zod";
import { MAX_BATCH } from "./batches";
import { LIMITS } from "./schema";

const item = z.object({
  actionId: z.uuid("A draft's id is not valid: reload the batch."),
  version: z
    .number("A draft's version is missing: reload the batch.")
    .int("A draft's version is missing: reload the batch.")
    .min(1, "A draft's version is missing: reload the batch."),
});

const items = z
  .array(item, "Select the drafts to decide.")
  .min(1, "Select at least one draft: x or Space toggles the current one, or use Select all.")
  .max(MAX_BATCH, `Decide at most ${MAX_BATCH} drafts at once: select fewer.`);

/** Approving or rejecting the selected drafts of a batch, validated on the server whatever the client sends. */
export const batchDecisionSchema = z.discriminatedUnion(
  "decision",
  [
    z.object({ decision: z.literal("approve"), items }),
    z.object({
      decision: z.literal("reject"),
      items,
      reason: z
        .string("A rejection needs a reason, so the agent and the team can learn from it.")
        .trim()
        .min(1, "A rejection needs a reason, so the agent and the team can learn from it.")
        .max(
          LIMITS.reason,
          `The reason for rejecting is too long: keep it under ${LIMITS.reason.toLocaleString("en")} characters.`,
        ),
    }),
  ],
  "Choose to approve or reject the selected drafts.",
);

export type BatchDecisionInput = z.infer<typeof batchDecisionSchema>;

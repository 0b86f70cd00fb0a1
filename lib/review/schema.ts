import { z } from "zod";
import { TEAMS } from "@/lib/guardrails/rules";

export const REASON_TAGS = [
  "hallucination",
  "wrong_policy",
  "wrong_customer_data",
  "incomplete",
  "tone",
  "should_have_escalated",
  "should_not_have_escalated",
  "other",
] as const;
export type ReasonTag = (typeof REASON_TAGS)[number];

export const REASON_LABELS: Record<ReasonTag, string> = {
  hallucination: "Hallucination",
  wrong_policy: "Wrong policy",
  wrong_customer_data: "Wrong customer data",
  incomplete: "Incomplete",
  tone: "Tone",
  should_have_escalated: "Should have escalated",
  should_not_have_escalated: "Should not have escalated",
  other: "Other",
};

const feedback = {
  actionId: z.uuid("This action id is not valid."),
  version: z.coerce
    .number("The action version is missing: reload the page.")
    .int()
    .min(1, "The action version is missing: reload the page."),
  rating: z.coerce
    .number()
    .int()
    .min(1, "Ratings go from 1 to 5.")
    .max(5, "Ratings go from 1 to 5.")
    .optional(),
  reasonTags: z.array(z.enum(REASON_TAGS, "Pick reasons from the list.")).max(REASON_TAGS.length).default([]),
  comment: z.string().trim().max(4000, "Keep the comment under 4,000 characters.").optional(),
};

/** Set when the reviewer confirmed this reply is a follow-up to one the customer was already sent. */
const followUp = { followUpAcknowledged: z.boolean().optional() };

/** One decision on one action, validated on the server whatever the client sends. */
export const decisionSchema = z.discriminatedUnion("decision", [
  z.object({ ...feedback, ...followUp, decision: z.literal("approve") }),
  z.object({
    ...feedback,
    ...followUp,
    decision: z.literal("edit"),
    finalText: z
      .string("The edited reply is empty. Write the reply, or reject the draft instead.")
      .trim()
      .min(1, "The edited reply is empty. Write the reply, or reject the draft instead.")
      .max(10_000, "Keep the reply under 10,000 characters."),
  }),
  z.object({
    ...feedback,
    decision: z.literal("escalate"),
    team: z.enum(TEAMS, "Choose the team to escalate to."),
    reason: z.string("Say why this needs a person.").trim().min(1, "Say why this needs a person.").max(2000),
    note: z.string().trim().max(4000).optional(),
  }),
  z.object({
    ...feedback,
    decision: z.literal("reject"),
    reason: z
      .string("A rejection needs a reason, so the agent and the team can learn from it.")
      .trim()
      .min(1, "A rejection needs a reason, so the agent and the team can learn from it.")
      .max(2000),
    /** When set, the ticket goes back to the agent with this guidance. */
    redraftGuidance: z.string().trim().max(2000).optional(),
  }),
]);

export type DecisionInput = z.infer<typeof decisionSchema>;

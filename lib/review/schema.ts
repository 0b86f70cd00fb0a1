import { z } from "zod";
import { TEAMS } from "@/lib/guardrails/rules";
import { CATEGORIES, INTENTS } from "@/lib/triage/labels";

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

/** The longest text each field of a decision takes; the form shows the same limits. */
export const LIMITS = { comment: 4000, finalText: 10_000, reason: 2000, note: 4000, guidance: 2000 } as const;

const tooLong = (field: string, max: number) =>
  `The ${field} is too long: keep it under ${max.toLocaleString("en")} characters.`;

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
  comment: z.string().trim().max(LIMITS.comment, tooLong("comment", LIMITS.comment)).optional(),
  /** A correction of the triage reading, learnt by `npm run triage:train -- --with-reviews`. */
  correctedIntent: z.enum(INTENTS as [string, ...string[]], "Pick an intent from the list.").optional(),
  correctedCategory: z.enum(CATEGORIES, `Pick a risk category: ${CATEGORIES.join(", ")}.`).optional(),
};

export const URGENCIES = ["low", "normal", "high"] as const;

/** What a reviewer may change on an escalation before approving it; the policy is checked again on the server. */
export const escalationArgumentsSchema = z.object({
  team: z.enum(TEAMS, `Choose a team: ${TEAMS.join(", ")}.`),
  urgency: z.enum(URGENCIES, `Choose an urgency: ${URGENCIES.join(", ")}.`),
  note: z.string().trim().max(LIMITS.note, tooLong("note for the team", LIMITS.note)).optional(),
});
export type EscalationArguments = z.infer<typeof escalationArgumentsSchema>;

/** Set when the reviewer confirmed this reply is a follow-up to one the customer was already sent. */
const followUp = { followUpAcknowledged: z.boolean().optional() };

/** One decision on one action, validated on the server whatever the client sends. */
export const decisionSchema = z.discriminatedUnion("decision", [
  z.object({
    ...feedback,
    ...followUp,
    decision: z.literal("approve"),
    /** An escalation's team, urgency and note as the reviewer edited them. */
    arguments: escalationArgumentsSchema.optional(),
  }),
  z.object({
    ...feedback,
    ...followUp,
    decision: z.literal("edit"),
    finalText: z
      .string("The edited reply is empty. Write the reply, or reject the draft instead.")
      .trim()
      .min(1, "The edited reply is empty. Write the reply, or reject the draft instead.")
      .max(LIMITS.finalText, tooLong("edited reply", LIMITS.finalText)),
  }),
  z.object({
    ...feedback,
    decision: z.literal("escalate"),
    team: z.enum(TEAMS, "Choose the team to escalate to."),
    reason: z
      .string("Say why this needs a person.")
      .trim()
      .min(1, "Say why this needs a person.")
      .max(LIMITS.reason, tooLong("reason for escalating", LIMITS.reason)),
    note: z.string().trim().max(LIMITS.note, tooLong("note for the team", LIMITS.note)).optional(),
  }),
  z.object({
    ...feedback,
    decision: z.literal("reject"),
    reason: z
      .string("A rejection needs a reason, so the agent and the team can learn from it.")
      .trim()
      .min(1, "A rejection needs a reason, so the agent and the team can learn from it.")
      .max(LIMITS.reason, tooLong("reason for rejecting", LIMITS.reason)),
    /** When set, the ticket goes back to the agent with this guidance. */
    redraftGuidance: z
      .string()
      .trim()
      .max(LIMITS.guidance, tooLong("guidance for the agent", LIMITS.guidance))
      .optional(),
  }),
]);

export type DecisionInput = z.infer<typeof decisionSchema>;

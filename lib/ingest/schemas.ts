import { z } from "zod";
import {
  ACTION_KINDS,
  ACTION_STATUSES,
  CHANNELS,
  DECISIONS,
  OUTBOX_STATUSES,
  TICKET_STATUSES,
} from "@/db/schema";
import { escalationPayloadSchema, refundPayloadSchema, replyPayloadSchema } from "@/lib/agent/types";

/**
 * The ingest API's contract. These schemas validate requests, type the domain
 * code and generate the OpenAPI document, so the three cannot drift apart.
 * No transforms: what a client sends is what is stored and hashed.
 */

export const INGEST_LIMITS = {
  externalIdChars: 200,
  subjectChars: 300,
  bodyChars: 50_000,
  emailChars: 320,
  customerRefChars: 320,
  metadataBytes: 16_384,
  metadataDepth: 10,
  batchItems: 100,
  /** Raw request bodies, checked before parsing. */
  singleBodyBytes: 1_048_576,
  batchBodyBytes: 5_242_880,
} as const;

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Text Postgres can store exactly as sent: no NUL characters, no broken UTF-16. */
export function textProblem(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain NUL (\\u0000) characters";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode (it contains an unpaired surrogate escape)";
  return null;
}

function requiredText(field: string, what: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${field} is required: ${what}.` : `${field} must be a string: ${what}.`,
    })
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: `${field} ${problem}; remove them and resend.` });
    });
}

/**
 * Free-form JSON the helpdesk wants kept with the ticket. Checked on the raw
 * value (iteratively, so a 10,000-level body cannot exhaust the stack) before
 * it reaches Postgres, which refuses NUL and very deep documents.
 */
function metadataProblems(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || Array.isArray(value)) return [];
  const problems = new Set<string>();
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0 && problems.size < 5) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (++nodes > 5_000) {
      problems.add("metadata has too many values (at most 5,000); keep it small");
      break;
    }
    if (typeof node === "string") {
      const problem = textProblem(node);
      if (problem) problems.add(`metadata strings ${problem}`);
    } else if (typeof node === "number") {
      if (!Number.isFinite(node)) problems.add("metadata numbers must be finite");
    } else if (node !== null && typeof node === "object") {
      if (depth > INGEST_LIMITS.metadataDepth) {
        problems.add(`metadata may nest at most ${INGEST_LIMITS.metadataDepth} levels deep; flatten it`);
        continue;
      }
      for (const [key, child] of Object.entries(node)) {
        if (key === "__proto__") problems.add("metadata must not use the key __proto__; rename it");
        const problem = textProblem(key);
        if (problem) problems.add(`metadata keys ${problem}`);
        stack.push({ node: child, depth: depth + 1 });
      }
    }
  }
  if (problems.size === 0 && JSON.stringify(value).length > INGEST_LIMITS.metadataBytes) {
    problems.add(`metadata must be at most ${INGEST_LIMITS.metadataBytes} characters as JSON; keep it small`);
  }
  return [...problems];
}

const metadataSchema = z.preprocess(
  (value, ctx) => {
    for (const message of metadataProblems(value)) ctx.addIssue({ code: "custom", message });
    return value;
  },
  z
    .record(z.string(), z.unknown(), {
      error: "metadata must be a JSON object (or be left out); put lists and values inside it.",
    })
    .nullish(),
);

export const ticketInputSchema = z
  .strictObject(
    {
      externalId: requiredText("externalId", "your helpdesk's id for this ticket, unique per ticket")
        .min(1, "externalId must not be empty: send your helpdesk's id for this ticket.")
        .max(
          INGEST_LIMITS.externalIdChars,
          `externalId must be at most ${INGEST_LIMITS.externalIdChars} characters.`,
        )
        .regex(/^\S(?:.*\S)?$/, "externalId must not start or end with spaces or contain line breaks.")
        .meta({
          description:
            "Your helpdesk's id for this ticket. Ingest is idempotent on it: the same payload again returns the same ticket, a different payload returns 409.",
          examples: ["ZD-48213"],
        }),
      subject: requiredText("subject", "a one-line summary of the request")
        .max(INGEST_LIMITS.subjectChars, `subject must be at most ${INGEST_LIMITS.subjectChars} characters.`)
        .regex(/\S/, "subject must not be empty: send a one-line summary of the request.")
        .meta({ examples: ["Where is my order?"] }),
      body: requiredText("body", "the customer's message")
        .max(INGEST_LIMITS.bodyChars, `body must be at most ${INGEST_LIMITS.bodyChars} characters.`)
        .regex(/\S/, "body must not be empty: send the customer's message.")
        .meta({ examples: ["Hi, I ordered a week ago and nothing has arrived yet."] }),
      from: z
        .email({
          error: (issue) =>
            issue.input === undefined
              ? "from is required: the sender's e-mail address."
              : "from must be an e-mail address such as ada@example.com.",
        })
        .max(INGEST_LIMITS.emailChars, `from must be at most ${INGEST_LIMITS.emailChars} characters.`)
        .meta({ description: "The sender's e-mail address.", examples: ["ada@example.com"] }),
      customerRef: z
        .string({ error: "customerRef must be a string: a customer id or e-mail address (or left out)." })
        .min(1, "customerRef must not be empty; leave it out if you do not know the customer.")
        .max(
          INGEST_LIMITS.customerRefChars,
          `customerRef must be at most ${INGEST_LIMITS.customerRefChars} characters.`,
        )
        .refine((v) => textProblem(v) === null, "customerRef must be plain text without NUL characters.")
        .nullish()
        .meta({
          description:
            "Optional: the customer's id or e-mail address in Countersign. Without it (or when it matches no one), the customer is matched by `from`.",
        }),
      channel: z
        .enum(CHANNELS, {
          error: (issue) =>
            issue.input === undefined
              ? `channel is required: one of ${CHANNELS.join(", ")}.`
              : `channel must be one of ${CHANNELS.join(", ")}.`,
        })
        .meta({ description: "Where the request came in." }),
      metadata: metadataSchema.meta({
        description: `Optional JSON object kept with the ticket (at most ${INGEST_LIMITS.metadataBytes} characters, ${INGEST_LIMITS.metadataDepth} levels deep).`,
      }),
    },
    { error: "The body must be a JSON object with the ticket's fields." },
  )
  .meta({ title: "A support ticket to ingest" });

export type TicketInput = z.infer<typeof ticketInputSchema>;

export const ticketBatchInputSchema = z
  .strictObject(
    {
      tickets: z
        .array(ticketInputSchema, {
          error: (issue) =>
            issue.input === undefined
              ? "tickets is required: an array of up to 100 tickets."
              : "tickets must be an array of ticket objects.",
        })
        .min(1, "tickets must hold at least one ticket.")
        .max(
          INGEST_LIMITS.batchItems,
          `tickets may hold at most ${INGEST_LIMITS.batchItems} tickets; split the batch.`,
        ),
    },
    { error: 'The body must be a JSON object of the form {"tickets": [...]}.' },
  )
  .superRefine((batch, ctx) => {
    const first = new Map<string, number>();
    batch.tickets.forEach((ticket, index) => {
      const earlier = first.get(ticket.externalId);
      if (earlier === undefined) first.set(ticket.externalId, index);
      else
        ctx.addIssue({
          code: "custom",
          path: ["tickets", index, "externalId"],
          message: `externalId repeats item ${earlier}'s; send each ticket once per batch.`,
        });
    });
  })
  .meta({ title: "Up to 100 tickets, validated all or nothing" });

export type TicketBatchInput = z.infer<typeof ticketBatchInputSchema>;

// ---- Responses -------------------------------------------------------------------------------

export const ticketRefSchema = z.object({
  id: z.uuid().meta({ description: "Countersign's ticket id." }),
  url: z.url().meta({ description: "The ticket's page in Countersign." }),
});

export const BATCH_ITEM_STATUSES = ["created", "existing", "conflict"] as const;

export const batchResultSchema = z.object({
  results: z.array(
    z.object({
      externalId: z.string(),
      id: z
        .uuid()
        .nullable()
        .meta({ description: "null when the externalId belongs to a ticket this key did not ingest." }),
      url: z.url().nullable(),
      status: z.enum(BATCH_ITEM_STATUSES).meta({
        description:
          "created: stored now; existing: the same payload was stored before by this key; conflict: a different payload is stored under this externalId, or a ticket another key ingested (nothing changed, nothing of it revealed).",
      }),
    }),
  ),
});

export const ticketStatusSchema = z.object({
  id: z.uuid(),
  externalId: z.string(),
  url: z.url(),
  status: z.enum(TICKET_STATUSES),
  subject: z.string(),
  channel: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  actions: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(ACTION_KINDS),
      status: z.enum(ACTION_STATUSES).meta({
        description:
          "pending_review until a person decides; approved, escalated or rejected after; blocked by a guardrail; superseded by a redraft.",
      }),
      payload: z.union([replyPayloadSchema, escalationPayloadSchema, refundPayloadSchema]).meta({
        description:
          "reply: text and citations; escalation: reason, team, urgency; refund: order number and amount in cents.",
      }),
      blockedBy: z.string().nullable().meta({ description: "The guardrail rule that blocked the action." }),
      blockedReason: z.string().nullable(),
      createdAt: z.iso.datetime({ offset: true }),
    }),
  ),
  decisions: z.array(
    z.object({
      actionId: z.uuid(),
      decision: z.enum(DECISIONS),
      finalText: z.string().nullable().meta({ description: "The text the reviewer countersigned." }),
      reason: z.string().nullable(),
      decidedAt: z.iso.datetime({ offset: true }),
    }),
  ),
  delivery: z.array(
    z.object({
      actionId: z.uuid(),
      kind: z.enum(["reply", "escalation"]).nullable(),
      channel: z.string(),
      status: z.enum(OUTBOX_STATUSES),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      sentAt: z.iso.datetime({ offset: true }).nullable(),
    }),
  ),
});

export type TicketStatusResponse = z.infer<typeof ticketStatusSchema>;

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "`type:surface`, e.g. bad_request:ticket or forbidden:api_key." }),
    message: z.string().meta({ description: "What went wrong and what to do about it." }),
    fields: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({ description: "400 only: messages per field path, e.g. `subject` or `tickets.3.from`." }),
    items: z
      .array(z.number().int())
      .optional()
      .meta({ description: "Batch 400 only: the indexes of the invalid tickets." }),
    id: z
      .uuid()
      .optional()
      .meta({ description: "409 only: the ticket already stored under this externalId." }),
    url: z.url().optional(),
    retryAfterSeconds: z.number().int().optional().meta({ description: "429 only." }),
  }),
});

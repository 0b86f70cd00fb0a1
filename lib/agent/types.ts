import { z } from "zod";
import type { VerificationCheck } from "@/db/schema";
import { TEAMS } from "@/lib/guardrails/rules";
import { groundingSchema } from "./grounding";

export const citationSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("article"), slug: z.string().min(1).max(200) }),
  z.object({ type: z.literal("order"), number: z.string().min(1).max(40) }),
]);
export type Citation = z.infer<typeof citationSchema>;

/** Action payloads, validated on the way into the database and on the way out. */
export const replyPayloadSchema = z.object({
  text: z.string().min(1).max(10_000),
  citations: z.array(citationSchema).max(20),
  model: z.string(),
  /** Sentence-by-sentence support, computed when the draft is verified (lib/agent/grounding.ts). */
  grounding: groundingSchema.optional(),
});
export const escalationPayloadSchema = z.object({
  reason: z.string().min(1).max(2_000),
  team: z.enum(TEAMS),
  urgency: z.enum(["low", "normal", "high"]),
  ruleIds: z.array(z.string()).default([]),
});
export const refundPayloadSchema = z.object({
  orderNumber: z.string().min(1).max(40),
  amountCents: z.number().int().nonnegative(),
  reason: z.string().min(1).max(2_000),
});

export type ReplyPayload = z.infer<typeof replyPayloadSchema>;
export type EscalationPayload = z.infer<typeof escalationPayloadSchema>;
export type RefundPayload = z.infer<typeof refundPayloadSchema>;

export type Proposal =
  | { kind: "reply"; payload: ReplyPayload }
  | { kind: "escalation"; payload: EscalationPayload }
  | { kind: "refund"; payload: RefundPayload };

/** A proposal the gate or verification refused: shown to the reviewer as a blocked action. */
export type BlockedProposal = Proposal & {
  blockedBy: string;
  blockedReason: string;
  /** Set when verification (not a policy rule) blocked it: the first check it failed. */
  blockedCheck?: VerificationCheck;
};

export interface RetrievedOrder {
  number: string;
  status: string;
  totalCents: number;
  currency: string;
  placedAt: string;
  itemPricesCents: number[];
}

/** Everything this run looked up: the only facts a draft may rest on. */
export interface Retrieved {
  articles: Map<string, { title: string; body: string }>;
  orders: Map<string, RetrievedOrder>;
  customers: Map<string, { id: string; email: string; name: string; tier: string }>;
}

export function emptyRetrieved(): Retrieved {
  return { articles: new Map(), orders: new Map(), customers: new Map() };
}

export interface TicketInput {
  id: string;
  subject: string;
  body: string;
  fromEmail: string;
  channel: string;
  createdAt: Date;
  metadata: Record<string, unknown>;
  customer: { id: string; email: string; name: string; tier: string } | null;
}

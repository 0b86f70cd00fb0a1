import type { ReasonTag } from "@/lib/review/schema";

/** The letter that toggles each reason tag on the review screen (none clashes with a, e, x, r, n). */
export const REASON_KEYS: Record<ReasonTag, string> = {
  hallucination: "h",
  wrong_policy: "p",
  wrong_customer_data: "c",
  incomplete: "i",
  tone: "t",
  should_have_escalated: "s",
  should_not_have_escalated: "d",
  other: "o",
};

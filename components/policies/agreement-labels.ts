import type { Tone } from "@/components/ui/badge";
import type { Agreement } from "@/lib/guardrails/dry-run";

/** How a dry-run change compares with what the reviewer decided, as a badge says it. */
export const AGREEMENT: Record<Agreement, { label: string; tone: Tone }> = {
  agrees: { label: "agrees with the reviewer", tone: "ok" },
  disagrees: { label: "goes against the reviewer", tone: "danger" },
  unknown: { label: "no review to compare", tone: "neutral" },
};

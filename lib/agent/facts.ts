import { amountsInText } from "@/lib/guardrails/evaluate";

export { amountsInText };

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** "3 November 2026": the one date format drafts use. */
export function formatDay(iso: string | Date): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  const month = MONTHS[d.getUTCMonth()] ?? "";
  return `${d.getUTCDate()} ${month.charAt(0).toUpperCase()}${month.slice(1)} ${d.getUTCFullYear()}`;
}

/** Calendar days (YYYY-MM-DD) written in a text, as "3 November 2026", "November 3, 2026" or "2026-11-03". */
export function datesInText(text: string): string[] {
  const out: string[] = [];
  const pad = (n: number) => String(n).padStart(2, "0");
  const month = "(january|february|march|april|may|june|july|august|september|october|november|december)";
  for (const m of text.matchAll(new RegExp(`\\b(\\d{1,2}) ${month},? (\\d{4})\\b`, "gi"))) {
    out.push(`${m[3]}-${pad(MONTHS.indexOf((m[2] ?? "").toLowerCase()) + 1)}-${pad(Number(m[1]))}`);
  }
  for (const m of text.matchAll(new RegExp(`\\b${month} (\\d{1,2}),? (\\d{4})\\b`, "gi"))) {
    out.push(`${m[3]}-${pad(MONTHS.indexOf((m[1] ?? "").toLowerCase()) + 1)}-${pad(Number(m[2]))}`);
  }
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) out.push(`${m[1]}-${m[2]}-${m[3]}`);
  return out;
}

export const ORDER_NUMBER = /\bORD-\d{6}\b/gi;

export function orderNumbersInText(text: string): string[] {
  return [...new Set((text.match(ORDER_NUMBER) ?? []).map((n) => n.toUpperCase()))];
}

/**
 * PII redaction for exports: e-mail addresses, phone numbers, payment card
 * numbers and, on request, order numbers become placeholders. Pure functions,
 * so the same input always gives the same output (an export stays reproducible).
 *
 * It errs on the side of leaving numbers that are clearly not PII alone:
 * dates, times, amounts, IP addresses, ticket and order numbers (unless asked),
 * and digit runs that fail the card checksum are kept, because they are what
 * the reviewer's edits are about.
 */
export const PLACEHOLDERS = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  card: "[CARD]",
  order: "[ORDER]",
} as const;
export type PiiKind = keyof typeof PLACEHOLDERS;
export type RedactionCounts = Record<PiiKind, number>;

export interface RedactOptions {
  /** Also replace order numbers such as ORD-123456. */
  orders?: boolean;
}

export interface Redactor {
  (text: string): string;
  /** How many of each kind this redactor replaced so far. */
  readonly counts: RedactionCounts;
}

// Local part: letters (any script), digits and . _ % + ' -; domain: dot-separated labels and a
// letter TLD, so a full stop closing the sentence is not taken into the address.
const EMAIL =
  /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*\.\p{L}{2,}/gu;

// A run of 13 or more digits, optionally grouped by single spaces or dashes, not part of a longer
// run: a card number, or a card number with more digits beside it (see cardIn).
const CARD = /(?<![\p{L}\p{N}_-]|\d[ -])\d(?:[ -]?\d){12,}(?![\p{L}\p{N}_]|[ -]?\d)/gu;

// Digit groups with optional + / 00 prefix, parentheses and single separators, and an extension.
const PHONE =
  /(?<![\p{L}\p{N}_+\-/.])(?:\+|00)?(?:\(\d{1,5}\)|\d{1,5})(?:[ .-]?(?:\(\d{1,5}\)|\d{1,5})){1,7}(?: ?(?:x|ext\.?) ?\d{1,5})?(?![\p{L}\p{N}_]|[.\-/:]\d)/giu;

const EXTENSION = / ?(?:x|ext\.?) ?\d{1,5}$/i;
// North American numbers written with the country code: 1-800-555-0199, 1 800 555 0199.
const NANP = /^1[ .-]\d{3}[ .-]\d{3}[ .-]\d{4}$/;

const ORDER = /\bORD-?\d{3,}\b/giu;

const DATE_LIKE = [
  /^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}$/, // 2026-01-31
  /^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}$/, // 31.01.2026
  /^\d{1,3}(?:\.\d{1,3}){3}$/, // 192.168.0.1
];

/** The Luhn checksum every payment card number satisfies (and 90 % of random digit runs fail). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, "");
  // Card networks issue numbers starting with 2-6 (Mastercard, Visa, Amex, Discover, JCB, UnionPay...).
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && passesLuhn(digits);
}

/**
 * Where the card number is in a digit run: the whole run, or else its longest
 * stretch between separators that is one (a card written with its expiry, CVC
 * or a year beside it: "4111 1111 1111 1111 05 28"). An ungrouped run is one
 * number: it is a card or it is not.
 */
export function cardIn(run: string): { start: number; end: number } | null {
  if (isCardNumber(run)) return { start: 0, end: run.length };
  const separators = [...run.matchAll(/[ -]/g)].map((m) => m.index);
  const starts = [0, ...separators.map((i) => i + 1)];
  const ends = [...separators, run.length];
  let best: { start: number; end: number } | null = null;
  for (const start of starts) {
    for (const end of ends) {
      if (end <= start || (best && end - start <= best.end - best.start)) continue;
      if (isCardNumber(run.slice(start, end))) best = { start, end };
    }
  }
  return best;
}

export function isPhoneNumber(match: string): boolean {
  const candidate = match.replace(EXTENSION, "");
  if (DATE_LIKE.some((re) => re.test(candidate))) return false;
  if (NANP.test(candidate)) return true;
  const international = candidate.startsWith("+") || candidate.startsWith("00");
  const digits = candidate.replace(/\D/g, "").length - (candidate.startsWith("00") ? 2 : 0);
  if (digits < 7 || digits > 15) return false;
  if (international || candidate.includes("(")) return true;
  const groups = candidate.split(/[ .-]/);
  // Thousands grouped with spaces or dots (1 234 567) is an amount, not a number to call.
  if (
    groups.length > 1 &&
    /^\d{1,3}$/.test(groups[0] ?? "") &&
    groups.slice(1).every((g) => g.length === 3)
  ) {
    return false;
  }
  if (groups.length >= 3) return groups.every((g) => g.length >= 2);
  if (groups.length === 2) return digits >= 10;
  // A bare run is a phone only with a national trunk prefix (07700900123); others are ids.
  return digits >= 10 && candidate.startsWith("0");
}

export function createRedactor(options: RedactOptions = {}): Redactor {
  const counts: RedactionCounts = { email: 0, phone: 0, card: 0, order: 0 };
  const replace = (kind: PiiKind) => {
    counts[kind]++;
    return PLACEHOLDERS[kind];
  };
  const redact = (text: string): string => {
    let out = text;
    if (options.orders) out = out.replace(ORDER, () => replace("order"));
    out = out.replace(EMAIL, () => replace("email"));
    out = out.replace(CARD, (run) => {
      const card = cardIn(run);
      return card ? run.slice(0, card.start) + replace("card") + run.slice(card.end) : run;
    });
    out = out.replace(PHONE, (m) => (isPhoneNumber(m) ? replace("phone") : m));
    return out;
  };
  return Object.assign(redact, { counts });
}

/** One-off redaction, for callers that do not need the counts. */
export function redactPii(text: string, options: RedactOptions = {}): string {
  return createRedactor(options)(text);
}

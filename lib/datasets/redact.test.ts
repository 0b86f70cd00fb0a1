import { describe, expect, it } from "vitest";
import { createRedactor, isCardNumber, isPhoneNumber, passesLuhn, redactPii } from "./redact";

describe("redactPii", () => {
  it.each([
    ["jane.doe+orders@mail.example.co.uk", "[EMAIL]"],
    ["Write to JOHN_SMITH@Example.COM.", "Write to [EMAIL]."],
    ["<mailto:ops-team@sub.domain.io>", "<mailto:[EMAIL]>"],
    ["jörg.müller@bäckerei-müller.de, thanks", "[EMAIL], thanks"],
    ["o'brien@example.ie wrote", "[EMAIL] wrote"],
    ["two: a@b.io;c.d@e-f.org", "two: [EMAIL];[EMAIL]"],
  ])("replaces the e-mail address in %j", (input, output) => {
    expect(redactPii(input)).toBe(output);
  });

  it("leaves @mentions, handles and bare domains alone", () => {
    const text = "Ping @support or visit example.com; price @ 5 USD";
    expect(redactPii(text)).toBe(text);
  });

  it.each([
    "+44 20 7946 0958",
    "+1 (555) 123-4567",
    "(555) 123-4567",
    "555-123-4567",
    "555.123.4567",
    "+49-30-1234567",
    "0049 30 1234567",
    "+33 1 23 45 67 89",
    "07700 900123",
    "07700900123",
    "+8613800138000",
    "1-800-555-0199",
    "1 800 555 0199",
    "555-123-4567 x89",
    "555-123-4567x89",
    "(555) 123-4567 ext. 12",
  ])("replaces the phone number %s", (phone) => {
    expect(redactPii(`Call me on ${phone}, after 5pm.`)).toBe("Call me on [PHONE], after 5pm.");
  });

  it.each([
    "Order ORD-123456 placed on 2026-01-15 at 14:30",
    "Delivered 15.01.2026, or was it 01/15/2026?",
    "Timestamp 2026-01-15T14:30:00Z and 2026-01-15 14:30:00",
    "Ticket 12345, case #123456, invoice 2026/001",
    "It cost $1,234.56, or 12345.67 EUR, or 1 234 567 EUR",
    "Server 192.168.0.1 on Windows 10.0.19045",
    "Reference 1234567890123 and tracking 9400111899223100012345",
    "Between 10 and 20 items, 3 of them 2 days late",
  ])("keeps dates, times, amounts and ids in %j", (text) => {
    expect(redactPii(text)).toBe(text);
  });

  it.each([
    ["4111 1111 1111 1111", "[CARD]"],
    ["4111-1111-1111-1111", "[CARD]"],
    ["card 4111111111111111.", "card [CARD]."],
    ["Amex 3782 822463 10005 exp 12/27", "Amex [CARD] exp 12/27"],
    ["MC 5555555555554444, CVC 123", "MC [CARD], CVC 123"],
    // A card with its expiry, CVC or a year beside it: the card goes, the rest stays.
    ["4111 1111 1111 1111 05/28", "[CARD] 05/28"],
    ["4111 1111 1111 1111 123", "[CARD] 123"],
    ["paid with 5555 5555 5555 4444 2026", "paid with [CARD] 2026"],
    ["CVC 123 4111 1111 1111 1111", "CVC 123 [CARD]"],
    ["4111-1111-1111-1111-0528", "[CARD]-0528"],
  ])("replaces the card number in %j", (input, output) => {
    expect(redactPii(input)).toBe(output);
  });

  it("keeps digit runs that fail the card checksum or hold no card", () => {
    for (const text of ["4111 1111 1111 1112", "1234 5678 9012 3456", "1234 5678 9012 3456 7890"]) {
      expect(redactPii(text)).toBe(text);
    }
  });

  it("redacts order numbers only when asked", () => {
    const text = "About ORD-123456 and ord-654321 (not ORDER-1): ORD123456";
    expect(redactPii(text)).toBe(text);
    expect(redactPii(text, { orders: true })).toBe("About [ORDER] and [ORDER] (not ORDER-1): [ORDER]");
  });

  it("does not mistake an e-mail's digits for a phone number", () => {
    expect(redactPii("john.555.123.4567@example.com")).toBe("[EMAIL]");
  });

  it("handles several kinds in one multi-line text and counts what it replaced", () => {
    const redact = createRedactor({ orders: true });
    const out = redact(
      "From: jane@example.com\nPhone: +44 20 7946 0958\nCard: 4111 1111 1111 1111\nOrder ORD-123456\nThanks",
    );
    expect(out).toBe("From: [EMAIL]\nPhone: [PHONE]\nCard: [CARD]\nOrder [ORDER]\nThanks");
    redact("again jane@example.com");
    expect(redact.counts).toEqual({ email: 2, phone: 1, card: 1, order: 1 });
  });

  it("is idempotent: redacting twice changes nothing more", () => {
    const once = redactPii("a@b.io +44 20 7946 0958 4111111111111111 ORD-123456", { orders: true });
    expect(redactPii(once, { orders: true })).toBe(once);
  });
});

describe("the checks behind it", () => {
  it("Luhn", () => {
    expect(passesLuhn("4111111111111111")).toBe(true);
    expect(passesLuhn("4111111111111112")).toBe(false);
    expect(passesLuhn("79927398713")).toBe(true);
  });

  it("cards need 13-19 digits, a network prefix and the checksum", () => {
    expect(isCardNumber("4222222222222")).toBe(true);
    expect(isCardNumber("79927398713")).toBe(false); // Luhn-valid but 11 digits
    expect(isCardNumber("1111 1111 1111 1117")).toBe(false); // Luhn-valid, no network starts with 1
  });

  it("phones need 7-15 digits and a phone's shape", () => {
    expect(isPhoneNumber("555-123-4567")).toBe(true);
    expect(isPhoneNumber("2026-01-15")).toBe(false);
    expect(isPhoneNumber("12345.67")).toBe(false);
    expect(isPhoneNumber("555-1234")).toBe(false); // too short to tell from an id without an area code
    expect(isPhoneNumber("+1 234 567 890 123 456")).toBe(false); // 16 digits: longer than E.164 allows
  });
});

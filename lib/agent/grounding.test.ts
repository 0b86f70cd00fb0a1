import { describe, expect, it } from "vitest";
import { groundReply, splitSentences } from "./grounding";
import { emptyRetrieved } from "./types";

function retrieved() {
  const r = emptyRetrieved();
  r.articles.set("delivery-options", {
    title: "Delivery options",
    body: "# Delivery options\n\nStandard shipping takes 3 to 5 business days.\nExpress shipping arrives the next business day when ordered before 2 pm.",
  });
  r.orders.set("ORD-123456", {
    number: "ORD-123456",
    status: "shipped",
    totalCents: 4599,
    currency: "USD",
    placedAt: "2026-11-20T10:00:00.000Z",
    itemPricesCents: [4599],
  });
  return r;
}

describe("groundReply", () => {
  it("splits sentences with offsets that slice back to the text", () => {
    const text = "Hi Anna,\n\nYour order shipped. It arrives soon!\nBest regards";
    const parts = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(parts).toEqual(["Hi Anna,", "Your order shipped.", "It arrives soon!", "Best regards"]);
  });

  it("links sentences to the passage or order field that supports them and marks the rest", () => {
    const text =
      "Hi Anna,\n\nExpress shipping arrives the next business day if you order before 2 pm. Your order ORD-123456 has shipped. We will also refund your membership fee.\n\nBest regards";
    const { sentences } = groundReply(text, retrieved());
    const by = sentences.map((s) => [text.slice(s.start, s.end), s.support]);
    expect(by).toEqual([
      ["Hi Anna,", { type: "not_a_claim" }],
      [
        "Express shipping arrives the next business day if you order before 2 pm.",
        {
          type: "article",
          slug: "delivery-options",
          title: "Delivery options",
          passage: "Express shipping arrives the next business day when ordered before 2 pm.",
        },
      ],
      [
        "Your order ORD-123456 has shipped.",
        { type: "order", number: "ORD-123456", field: "status", value: "shipped" },
      ],
      ["We will also refund your membership fee.", { type: "unsupported" }],
      ["Best regards", { type: "not_a_claim" }],
    ]);
  });
});

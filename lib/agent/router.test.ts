import { describe, expect, it } from "vitest";
import { routeTicket } from "@/lib/agent/router";

const models = { small: "small-model", large: "large-model" };
const customer = (tier: string) => ({ id: "c1", email: "ada@example.com", name: "Ada", tier });

function route(subject: string, body: string, tier: string | null = "standard") {
  return routeTicket({ subject, body, customer: tier ? customer(tier) : null }, models);
}

describe("routeTicket", () => {
  it("sends a short routine ticket to the small model and says why", () => {
    expect(route("Delivery", "Where is my parcel?")).toEqual({
      size: "small",
      modelId: "small-model",
      rule: "short routine ticket (5 words)",
    });
  });

  it("routes tickets from unknown senders like anyone else's", () => {
    expect(route("Delivery", "Where is my parcel?", null).size).toBe("small");
  });

  it("sends VIP customers to the large model, whatever they write", () => {
    expect(route("Hi", "Thanks!", "vip")).toEqual({
      size: "large",
      modelId: "large-model",
      rule: "vip customer",
    });
  });

  for (const text of [
    "I want a refund",
    "You charged me twice",
    "My payment failed",
    "I want my money back",
    "My lawyer will call",
    "This is a legal matter",
    "See you in court",
    "I will sue",
    "Please delete my data",
    "Erase everything about me",
    "GDPR request",
    "This looks like fraud",
    "I have a complaint",
    "I am complaining about the service",
  ]) {
    it(`sends "${text}" to the large model as a sensitive ticket`, () => {
      expect(route("Help", text)).toEqual({
        size: "large",
        modelId: "large-model",
        rule: "mentions money, legal action or data deletion",
      });
    });
  }

  it("looks for sensitive words in the subject too", () => {
    expect(route("Refund", "Please help").rule).toBe("mentions money, legal action or data deletion");
  });

  it("does not mistake 'issue' for 'sue'", () => {
    expect(route("Order", "I have an issue with my order").size).toBe("small");
  });

  it("sends a long ticket to the large model, with its word count", () => {
    const body = Array.from({ length: 150 }, () => "word").join(" ");
    expect(route("Question", body)).toEqual({
      size: "large",
      modelId: "large-model",
      rule: "long ticket (151 words > 150)",
    });
  });

  it("keeps a ticket of exactly 150 words on the small model", () => {
    const body = Array.from({ length: 149 }, () => "word").join(" ");
    expect(route("Question", body)).toMatchObject({
      size: "small",
      rule: "short routine ticket (150 words)",
    });
  });

  it("sends a ticket naming several orders to the large model", () => {
    expect(route("Two orders", "Where are ORD-123456 and ord-654321?")).toEqual({
      size: "large",
      modelId: "large-model",
      rule: "several orders mentioned",
    });
  });

  it("counts the same order named twice as one order", () => {
    expect(route("ORD-123456", "Where is ORD-123456?").size).toBe("small");
  });

  it("applies the VIP rule before the others", () => {
    expect(route("Refund", "I want a refund", "vip").rule).toBe("vip customer");
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildDemoData } from "./demo-data";

const now = new Date("2026-03-01T12:00:00Z");
const dataDir = path.join(__dirname, "..", "..", "data");
const data = buildDemoData({ seed: 42, now, dataDir });
const DAY_MS = 24 * 60 * 60 * 1000;
const ABCD_ARTICLES = 55;
const shopPolicies = JSON.parse(readFileSync(path.join(dataDir, "kb", "shop-policies.json"), "utf8")) as {
  slug: string;
}[];

describe("buildDemoData", () => {
  it("is deterministic for a fixed seed and date", () => {
    expect(buildDemoData({ seed: 42, now, dataDir })).toEqual(data);
  });

  it("changes with the seed", () => {
    const other = buildDemoData({ seed: 7, now, dataDir });
    expect(other.customers.map((c) => c.email)).not.toEqual(data.customers.map((c) => c.email));
  });

  it("takes at least 12 tickets from each of the 27 Bitext intents", () => {
    const bitext = data.tickets.filter((t) => t.source === "bitext");
    const perIntent = new Map<string, number>();
    for (const ticket of bitext)
      perIntent.set(ticket.intent ?? "", (perIntent.get(ticket.intent ?? "") ?? 0) + 1);

    expect(bitext.length).toBeGreaterThanOrEqual(300);
    expect(perIntent.size).toBe(27);
    for (const count of perIntent.values()) expect(count).toBeGreaterThanOrEqual(12);
    expect(bitext.every((t) => t.externalId.startsWith("bitext-") && t.category)).toBe(true);
  });

  it("leaves no placeholders in ticket bodies or reference replies", () => {
    for (const ticket of data.tickets) {
      expect(ticket.body).not.toContain("{{");
      expect(ticket.subject).not.toContain("{{");
      expect(ticket.referenceReply ?? "").not.toContain("{{");
    }
  });

  it("only mentions orders that exist and belong to the ticket's customer", () => {
    const ordersByNumber = new Map(data.orders.map((o) => [o.number, o]));
    let mentions = 0;
    for (const ticket of data.tickets) {
      for (const [number] of ticket.body.matchAll(/ORD-\d{6}/g)) {
        mentions++;
        expect(ordersByNumber.get(number)?.customerEmail).toBe(ticket.customerEmail);
      }
      // Bitext's own long order ids must all have been replaced.
      expect(ticket.body).not.toMatch(/\d{7,}/);
    }
    expect(mentions).toBeGreaterThan(30);
  });

  it("links every ticket and order to an existing customer", () => {
    const emails = new Set(data.customers.map((c) => c.email));
    expect(emails.size).toBe(data.customers.length);
    for (const ticket of data.tickets) expect(emails.has(ticket.customerEmail)).toBe(true);
    for (const order of data.orders) expect(emails.has(order.customerEmail)).toBe(true);
  });

  it("builds plausible customers and orders", () => {
    expect(data.customers.length).toBeGreaterThanOrEqual(Math.floor(data.tickets.length / 2));
    for (const customer of data.customers) {
      expect(customer.email).toMatch(/^[a-z0-9.]+@example\.(com|org|net)$/);
      const own = data.orders.filter((o) => o.customerEmail === customer.email);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(4);
    }
    expect(new Set(data.orders.map((o) => o.number)).size).toBe(data.orders.length);
    for (const order of data.orders) {
      expect(order.number).toMatch(/^ORD-\d{6}$/);
      expect(Number.isInteger(order.totalCents)).toBe(true);
      const itemsTotal = order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
      expect(order.totalCents).toBe(itemsTotal);
    }
  });

  it("builds one article per ABCD subflow, followed by the shop's own articles", () => {
    expect(shopPolicies.length).toBeGreaterThanOrEqual(20);
    expect(data.articles).toHaveLength(ABCD_ARTICLES + shopPolicies.length);
    for (const article of data.articles) {
      expect(article.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(article.body.trim()).not.toBe("");
      expect(article.tags.length).toBeGreaterThan(0);
    }

    const abcd = data.articles.slice(0, ABCD_ARTICLES);
    for (const article of abcd) {
      expect(article.body).toContain("1. ");
      // Button names from the annotation tool are rewritten into plain words.
      expect(article.body).not.toMatch(/\[[A-Z][^\]]*\]/);
    }
    const refund = abcd.find((a) => a.title === "Initiate Refund");
    expect(refund?.body).toContain("pull up the account");
    expect(refund?.tags).toEqual(expect.arrayContaining(["product defect", "refund"]));

    const shop = data.articles.slice(ABCD_ARTICLES);
    expect(shop.map((a) => a.slug)).toEqual(shopPolicies.map((p) => p.slug));
    for (const article of shop) {
      const words = article.body.split(/\s+/).filter(Boolean).length;
      expect(words, article.slug).toBeGreaterThanOrEqual(80);
      expect(words, article.slug).toBeLessThanOrEqual(200);
    }
  });

  it("gives every article a unique slug", () => {
    const slugs = data.articles.map((a) => a.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it("has a shop article for every Bitext intent, titled in the customer's words", () => {
    const intents = [
      ...new Set(data.tickets.filter((t) => t.source === "bitext").map((t) => t.intent ?? "")),
    ];
    expect(intents).toHaveLength(27);
    expect(Object.keys(ARTICLE_FOR_INTENT).sort()).toEqual(intents.sort());

    const shop = new Map(data.articles.slice(ABCD_ARTICLES).map((a) => [a.slug, a]));
    for (const [intent, slug] of Object.entries(ARTICLE_FOR_INTENT)) {
      const title = shop.get(slug)?.title.toLowerCase() ?? "";
      expect(title, `${intent} -> ${slug}`).not.toBe("");
      // Each word of the label, bar generic verbs, starts a word of the title ("cancel" -> "Cancelling").
      for (const word of intent.split("_").filter((w) => !GENERIC_VERBS.has(w))) {
        expect(title, `${intent} -> ${slug}`).toMatch(new RegExp(`\\b${word.slice(0, 4)}`));
      }
    }
  });

  it("includes handwritten legal, deletion and prompt-injection tickets", () => {
    const handwritten = data.tickets.filter((t) => t.source === "handwritten");
    const count = (intent: string) => handwritten.filter((t) => t.intent === intent).length;
    expect(handwritten.length).toBeGreaterThanOrEqual(14);
    expect(count("legal_threat")).toBeGreaterThanOrEqual(5);
    expect(count("delete_account")).toBeGreaterThanOrEqual(4);
    expect(count("prompt_injection")).toBeGreaterThanOrEqual(5);

    const bodies = handwritten.map((t) => t.body).join("\n");
    expect(bodies).toMatch(/lawsuit/i);
    expect(bodies).toMatch(/Article 17/);
    expect(bodies).toMatch(/Ignore previous instructions/);
  });

  it("dates every ticket within the 30 days before now, in ascending order", () => {
    const earliest = now.getTime() - 30 * DAY_MS;
    for (const ticket of data.tickets) {
      expect(ticket.createdAt.getTime()).toBeGreaterThanOrEqual(earliest);
      expect(ticket.createdAt.getTime()).toBeLessThanOrEqual(now.getTime());
    }
    const times = data.tickets.map((t) => t.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const order of data.orders) expect(order.placedAt.getTime()).toBeLessThanOrEqual(now.getTime());
    for (const customer of data.customers) expect(customer.createdAt.getTime()).toBeLessThan(now.getTime());
  });

  it("places a ticket's order before the ticket was written", () => {
    const ordersByNumber = new Map(data.orders.map((o) => [o.number, o]));
    for (const ticket of data.tickets) {
      for (const [number] of ticket.body.matchAll(/ORD-\d{6}/g)) {
        expect(ordersByNumber.get(number)?.placedAt.getTime()).toBeLessThan(ticket.createdAt.getTime());
      }
    }
  });
});

const GENERIC_VERBS = new Set(["check", "get"]);

const ARTICLE_FOR_INTENT: Record<string, string> = {
  cancel_order: "cancelling-an-order",
  change_order: "changing-an-order",
  change_shipping_address: "shipping-addresses",
  check_cancellation_fee: "cancellation-fees",
  check_invoice: "invoices",
  check_payment_methods: "payment-methods",
  check_refund_policy: "refund-policy",
  complaint: "making-a-complaint",
  contact_customer_service: "contacting-customer-service",
  contact_human_agent: "contacting-a-human-agent",
  create_account: "creating-an-account",
  delete_account: "closing-your-account",
  delivery_options: "delivery-options",
  delivery_period: "delivery-period",
  edit_account: "editing-your-account-details",
  get_invoice: "invoices",
  get_refund: "refund-policy",
  newsletter_subscription: "newsletter",
  payment_issue: "payment-problems",
  place_order: "placing-an-order",
  recover_password: "recovering-your-password",
  registration_problems: "registration-problems",
  review: "leaving-a-review",
  set_up_shipping_address: "shipping-addresses",
  switch_account: "switching-between-accounts",
  track_order: "tracking-your-order",
  track_refund: "tracking-a-refund",
};

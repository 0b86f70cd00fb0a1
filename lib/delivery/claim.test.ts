import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { agentActions, agentRuns, outbox, tickets } from "@/db/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { deliverOutboxRow } from "./deliver";
import { addToOutbox } from "./outbox";

const SECRET = "test-webhook-secret-0123456789";

afterEach(restoreEnv);

/**
 * A webhook receiver on 127.0.0.1 that counts requests per Idempotency-Key; each request
 * is answered after `delayMs` (so concurrent senders overlap) with the status `respond` picks.
 */
async function startReceiver(respond: (n: number) => number, delayMs = 150) {
  const keys = new Map<string, number>();
  let requests = 0;
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    const n = ++requests;
    const key = String(req.headers["idempotency-key"]);
    keys.set(key, (keys.get(key) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.writeHead(respond(n)).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  stubEnv({
    DELIVERY_CHANNEL: "webhook",
    WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
    WEBHOOK_SECRET: SECRET,
  });
  return {
    keys,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A released webhook message for a fresh ticket, as a decision queues it. */
async function queueMessage(db: Db): Promise<{ id: string; idempotencyKey: string }> {
  const externalId = `T-${randomUUID().slice(0, 8)}`;
  const [ticket] = await db
    .insert(tickets)
    .values({ externalId, fromEmail: "ada@example.com", subject: "Where is my order?", body: "It is late." })
    .returning({ id: tickets.id });
  const [run] = await db
    .insert(agentRuns)
    .values({ ticketId: ticket!.id, model: "test", status: "succeeded" })
    .returning({ id: agentRuns.id });
  const [action] = await db
    .insert(agentActions)
    .values({ runId: run!.id, ticketId: ticket!.id, kind: "reply", payload: { text: "On its way." } })
    .returning({ id: agentActions.id });
  return db.transaction((tx) =>
    addToOutbox(tx, {
      actionId: action!.id,
      ticketId: ticket!.id,
      message: {
        kind: "reply",
        ticketId: ticket!.id,
        externalId,
        to: "ada@example.com",
        subject: "Re: Where is my order?",
        text: "Hi Ada, your order ships today.",
      },
    }),
  );
}

describe.each(availableDrivers())("outbox claims on %s", (driver) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(() => handle?.destroy());

  async function rowOf(id: string) {
    const [row] = await handle.db.select().from(outbox).where(eq(outbox.id, id));
    return row!;
  }

  it("ten deliveries of one row at once: one claims it and sends it once, the others send nothing", async () => {
    const receiver = await startReceiver(() => 200);
    try {
      const queued = await queueMessage(handle.db);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => deliverOutboxRow(handle.db, queued.id)),
      );
      expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
      expect(outcomes.every((o) => o === "sent" || o === "claimed" || o === "already_sent")).toBe(true);
      expect(receiver.requests()).toBe(1);
      expect(receiver.keys.get(queued.idempotencyKey)).toBe(1);
      expect(await rowOf(queued.id)).toMatchObject({ status: "sent", attempts: 1, claimedUntil: null });
      // Later deliveries find it sent.
      expect(await deliverOutboxRow(handle.db, queued.id)).toBe("already_sent");
      expect(receiver.requests()).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it("a live claim keeps others off; a lapsed claim (its process died) is claimed again and sent", async () => {
    const receiver = await startReceiver(() => 200, 0);
    try {
      const queued = await queueMessage(handle.db);
      // Another process claimed it and is sending.
      await handle.db
        .update(outbox)
        .set({ attempts: 1, claimedUntil: sql`now() + interval '1 minute'` })
        .where(eq(outbox.id, queued.id));
      expect(await deliverOutboxRow(handle.db, queued.id)).toBe("claimed");
      expect(receiver.requests()).toBe(0);
      expect(await rowOf(queued.id)).toMatchObject({ status: "pending", attempts: 1 });

      // That process died: its claim lapses and the next delivery takes the row.
      await handle.db
        .update(outbox)
        .set({ claimedUntil: sql`now() - interval '1 second'` })
        .where(eq(outbox.id, queued.id));
      expect(await deliverOutboxRow(handle.db, queued.id)).toBe("sent");
      expect(receiver.keys.get(queued.idempotencyKey)).toBe(1);
      expect(await rowOf(queued.id)).toMatchObject({ status: "sent", attempts: 2, claimedUntil: null });
    } finally {
      await receiver.close();
    }
  });

  it("a failed send counts the attempt and releases the claim, so the retry claims it at once", async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 503 : 200), 0);
    try {
      const queued = await queueMessage(handle.db);
      expect(await deliverOutboxRow(handle.db, queued.id)).toBe("retry");
      const failed = await rowOf(queued.id);
      expect(failed).toMatchObject({ status: "failed", attempts: 1, claimedUntil: null });
      expect(failed.lastError).toMatch(/503/);

      expect(await deliverOutboxRow(handle.db, queued.id)).toBe("sent");
      expect(receiver.keys.get(queued.idempotencyKey)).toBe(2);
      expect(await rowOf(queued.id)).toMatchObject({
        status: "sent",
        attempts: 2,
        claimedUntil: null,
        lastError: null,
      });
    } finally {
      await receiver.close();
    }
  });

  it("a delivery whose claim lapsed and was taken again does not overwrite the new claim with its failure", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const keys = new Map<string, number>();
    const server = createServer(async (req, res) => {
      for await (const _ of req);
      const key = String(req.headers["idempotency-key"]);
      keys.set(key, (keys.get(key) ?? 0) + 1);
      await gate;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    stubEnv({
      DELIVERY_CHANNEL: "webhook",
      WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
      WEBHOOK_SECRET: SECRET,
    });
    try {
      const queued = await queueMessage(handle.db);
      const slow = deliverOutboxRow(handle.db, queued.id);
      while (!keys.get(queued.idempotencyKey)) await new Promise((resolve) => setTimeout(resolve, 10));
      // The slow sender's lease ran out and another process claimed the row.
      await handle.db
        .update(outbox)
        .set({ claimedUntil: sql`date_trunc('milliseconds', now() + interval '1 minute')` })
        .where(eq(outbox.id, queued.id));
      const { claimedUntil } = await rowOf(queued.id);
      release();
      expect(await slow).toBe("retry");
      expect(await rowOf(queued.id)).toMatchObject({ status: "pending", claimedUntil, lastError: null });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

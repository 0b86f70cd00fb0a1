import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { agentActions, agentRuns, outbox, tickets } from "@/db/schema";
import { enqueueDeliveries, OUTBOX_QUEUE, outboxJob, startQueue } from "@/lib/jobs/queue";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { composeEmail } from "./channels/smtp";
import { signWebhookBody, verifyWebhookSignature } from "./channels/webhook";
import { deliverOutboxRow } from "./deliver";
import { addToOutbox, listDeliveriesForTicket, type OutboxMessage } from "./outbox";

const SECRET = "test-webhook-secret-0123456789";

afterEach(restoreEnv);

function configure(vars: Record<string, string | undefined>) {
  stubEnv({
    DELIVERY_CHANNEL: undefined,
    WEBHOOK_URL: undefined,
    WEBHOOK_SECRET: undefined,
    SMTP_URL: undefined,
    SMTP_FROM: undefined,
    ...vars,
  });
}

/** A ticket, a run and a pending action: the least an outbox row needs to point at. */
async function createAction(db: Db): Promise<{ ticketId: string; actionId: string; externalId: string }> {
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
  return { ticketId: ticket!.id, actionId: action!.id, externalId };
}

/** Approves nothing, but queues a message the way the review transaction does. */
async function queueMessage(
  db: Db,
  message: Partial<OutboxMessage> = {},
): Promise<{ id: string; idempotencyKey: string; ticketId: string; actionId: string; externalId: string }> {
  const action = await createAction(db);
  const row = await db.transaction((tx) =>
    addToOutbox(tx, {
      actionId: action.actionId,
      ticketId: action.ticketId,
      message: {
        kind: "reply",
        ticketId: action.ticketId,
        externalId: action.externalId,
        to: "ada@example.com",
        subject: "Re: Where is my order?",
        text: "Hi Ada, your order ships today.",
        ...message,
      },
    }),
  );
  return { ...row, ...action };
}

interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/**
 * A webhook receiver on 127.0.0.1: checks each signature, answers the status
 * `respond` picks for the nth request (1-based), and keeps the bodies it accepted
 * (2xx) by Idempotency-Key.
 */
async function startWebhookReceiver(secret: string, respond: (n: number) => number) {
  const requests: WebhookRequest[] = [];
  const accepted = new Map<string, string[]>();
  const server = createHttpServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const signatureValid = verifyWebhookSignature(
      body,
      String(req.headers["x-countersign-signature"] ?? ""),
      secret,
    );
    const n = requests.push({ headers: req.headers, body, signatureValid });
    const status = signatureValid ? respond(n) : 401;
    if (status >= 200 && status < 300) {
      const key = String(req.headers["idempotency-key"]);
      accepted.set(key, [...(accepted.get(key) ?? []), body]);
    }
    res.writeHead(status, { "Content-Type": "text/plain" });
    res.end(status < 300 ? "ok" : `boom: receiver unavailable (request ${n})`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/countersign`,
    requests,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface SmtpMessage {
  from: string;
  to: string[];
  data: string;
}

/** Just enough SMTP (no TLS, no auth) for nodemailer to hand over a message. */
async function startFakeSmtp() {
  const messages: SmtpMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setEncoding("utf8");
    let buffer = "";
    let current: SmtpMessage = { from: "", to: [], data: "" };
    let inData = false;
    socket.write("220 fake.test ESMTP\r\n");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(current);
            current = { from: "", to: [], data: "" };
            socket.write("250 2.0.0 queued\r\n");
          } else {
            current.data += `${line.startsWith("..") ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 fake.test\r\n");
        else if (verb === "MAIL") {
          current.from = line.slice(10);
          socket.write("250 2.1.0 ok\r\n");
        } else if (verb === "RCPT") {
          current.to.push(line.slice(8));
          socket.write("250 2.1.5 ok\r\n");
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") socket.end("221 2.0.0 bye\r\n");
        else socket.write("250 2.0.0 ok\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  { timeoutMs = 20_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

describe("webhook signatures", () => {
  it("verifies the exact body with the secret, and nothing else", () => {
    const body = JSON.stringify({ id: "1", text: "héllo" });
    const signature = signWebhookBody(body, SECRET);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(body, signature, SECRET)).toBe(true);
    expect(verifyWebhookSignature(body, signature.slice("sha256=".length), SECRET)).toBe(true);
    expect(verifyWebhookSignature(`${body} `, signature, SECRET)).toBe(false);
    expect(verifyWebhookSignature(body, signature, `${SECRET}x`)).toBe(false);
    expect(verifyWebhookSignature(body, "sha256=abc", SECRET)).toBe(false);
    expect(verifyWebhookSignature(body, "", SECRET)).toBe(false);
  });
});

describe("escalation emails", () => {
  it("carry the team in the subject and the reason in the text", () => {
    const email = composeEmail({
      kind: "escalation",
      ticketId: "t",
      externalId: "T-1",
      to: "ada@example.com",
      subject: "Refund please",
      team: "billing",
      reason: "Refund over the limit",
      note: "VIP customer",
    });
    expect(email.subject).toBe("[Escalation: billing] Refund please");
    expect(email.text).toContain("escalated to billing");
    expect(email.text).toContain("Reason: Refund over the limit");
    expect(email.text).toContain("Note: VIP customer");
  });
});

describe.each(availableDrivers())("outbox delivery on %s", (driver) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(() => handle?.destroy());

  async function rowOf(id: string) {
    const [row] = await handle.db.select().from(outbox).where(eq(outbox.id, id));
    return row!;
  }

  it("queues with the configured channel, a key derived from the action, and a validated payload", async () => {
    configure({ DELIVERY_CHANNEL: "webhook" });
    const queued = await queueMessage(handle.db, { kind: "escalation", team: "billing", reason: "Refund" });
    expect(queued.idempotencyKey).toBe(`countersign-${queued.actionId}`);
    const row = await rowOf(queued.id);
    expect(row).toMatchObject({
      channel: "webhook",
      status: "pending",
      attempts: 0,
      actionId: queued.actionId,
    });
    expect(row.payload).toMatchObject({ kind: "escalation", team: "billing", reason: "Refund" });

    const action = await createAction(handle.db);
    const base = {
      ticketId: action.ticketId,
      externalId: action.externalId,
      to: "a@example.com",
      subject: "s",
    };
    await expect(
      handle.db.transaction((tx) =>
        addToOutbox(tx, { ...action, message: { ...base, kind: "reply", text: "  " } }),
      ),
    ).rejects.toThrow(/a reply needs its text/);
    await expect(
      handle.db.transaction((tx) => addToOutbox(tx, { ...action, message: { ...base, kind: "escalation" } })),
    ).rejects.toThrow(/an escalation needs a team/);
    // The failed inserts rolled back with their transactions: the action has no outbox row.
    expect(await handle.db.select().from(outbox).where(eq(outbox.actionId, action.actionId))).toEqual([]);
  });

  it("log channel: marks the row sent, and a second delivery sends nothing", async () => {
    configure({});
    const queued = await queueMessage(handle.db);
    expect(await deliverOutboxRow(handle.db, queued.id)).toBe("sent");
    const sent = await rowOf(queued.id);
    expect(sent).toMatchObject({ channel: "log", status: "sent", attempts: 1, lastError: null });
    expect(sent.sentAt).toBeInstanceOf(Date);

    expect(await deliverOutboxRow(handle.db, queued.id)).toBe("already_sent");
    const again = await rowOf(queued.id);
    // Not claimed again: no attempt counted, so nothing was handed to the channel.
    expect(again.attempts).toBe(1);
    expect(again.sentAt).toEqual(sent.sentAt);

    const deliveries = await listDeliveriesForTicket(handle.db, queued.ticketId);
    expect(deliveries).toEqual([
      expect.objectContaining({ id: queued.id, kind: "reply", channel: "log", status: "sent", attempts: 1 }),
    ]);
  });

  it("webhook: retries through two failures, the receiver accepts the message once, and never again", async () => {
    const receiver = await startWebhookReceiver(SECRET, (n) => (n <= 2 ? 500 : 200));
    try {
      configure({ DELIVERY_CHANNEL: "webhook", WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });
      const queued = await queueMessage(handle.db);

      // As the job runner would: deliver until it is no longer "retry".
      const outcomes: string[] = [];
      const errors: (string | null)[] = [];
      for (let i = 0; i < 10; i++) {
        const outcome = await deliverOutboxRow(handle.db, queued.id);
        outcomes.push(outcome);
        if (outcome !== "retry") break;
        const row = await rowOf(queued.id);
        expect(row.status).toBe("failed");
        errors.push(row.lastError);
      }
      expect(outcomes).toEqual(["retry", "retry", "sent"]);
      expect(errors).toEqual([
        expect.stringMatching(/^Webhook responded 500 Internal Server Error: boom: receiver unavailable/),
        expect.stringMatching(/^Webhook responded 500/),
      ]);

      expect(receiver.requests).toHaveLength(3);
      expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
      expect(new Set(receiver.requests.map((r) => r.headers["idempotency-key"]))).toEqual(
        new Set([queued.idempotencyKey]),
      );
      const request = receiver.requests[2]!;
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["x-countersign-timestamp"]).toMatch(/^\d{10}$/);

      expect(receiver.accepted.get(queued.idempotencyKey)).toHaveLength(1);
      const body = JSON.parse(receiver.accepted.get(queued.idempotencyKey)![0]!);
      expect(body).toEqual({
        id: queued.id,
        idempotencyKey: queued.idempotencyKey,
        ticketId: queued.ticketId,
        externalId: queued.externalId,
        kind: "reply",
        to: "ada@example.com",
        subject: "Re: Where is my order?",
        text: "Hi Ada, your order ships today.",
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });

      // Sent after three attempts; the error of the failed attempts is cleared once it went through.
      const row = await rowOf(queued.id);
      expect(row).toMatchObject({ status: "sent", attempts: 3, lastError: null });
      expect(row.sentAt).toBeInstanceOf(Date);

      expect(await deliverOutboxRow(handle.db, queued.id)).toBe("already_sent");
      expect(receiver.requests).toHaveLength(3);
      expect((await rowOf(queued.id)).attempts).toBe(3);
    } finally {
      await receiver.close();
    }
  });

  it("webhook: a receiver that always fails leaves the row dead after maxAttempts", async () => {
    const receiver = await startWebhookReceiver(SECRET, () => 503);
    try {
      configure({ DELIVERY_CHANNEL: "webhook", WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });
      const queued = await queueMessage(handle.db, { kind: "escalation", team: "legal", reason: "Lawyer" });
      const outcomes: string[] = [];
      for (let i = 0; i < 10; i++) {
        const outcome = await deliverOutboxRow(handle.db, queued.id, { maxAttempts: 3 });
        outcomes.push(outcome);
        if (outcome !== "retry") break;
      }
      expect(outcomes).toEqual(["retry", "retry", "dead"]);
      expect(await rowOf(queued.id)).toMatchObject({
        status: "dead",
        attempts: 3,
        sentAt: null,
        lastError: expect.stringMatching(/^Webhook responded 503 Service Unavailable: boom/),
      });
      expect(receiver.accepted.size).toBe(0);

      // Dead stays dead: no further request.
      expect(await deliverOutboxRow(handle.db, queued.id, { maxAttempts: 3 })).toBe("dead");
      expect(receiver.requests).toHaveLength(3);
      const [delivery] = await listDeliveriesForTicket(handle.db, queued.ticketId);
      expect(delivery).toMatchObject({ kind: "escalation", status: "dead", attempts: 3 });
    } finally {
      await receiver.close();
    }
  });

  it("webhook: the default allows five attempts", async () => {
    const receiver = await startWebhookReceiver(SECRET, () => 500);
    try {
      configure({ DELIVERY_CHANNEL: "webhook", WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });
      const queued = await queueMessage(handle.db);
      const outcomes: string[] = [];
      for (let i = 0; i < 10 && outcomes.at(-1) !== "dead"; i++) {
        outcomes.push(await deliverOutboxRow(handle.db, queued.id));
      }
      expect(outcomes).toEqual(["retry", "retry", "retry", "retry", "dead"]);
      expect(receiver.requests).toHaveLength(5);
    } finally {
      await receiver.close();
    }
  });

  it("webhook: two deliveries of one row at once send it once", async () => {
    const receiver = await startWebhookReceiver(SECRET, () => 200);
    try {
      configure({ DELIVERY_CHANNEL: "webhook", WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });
      const queued = await queueMessage(handle.db);
      const outcomes = await Promise.all([
        deliverOutboxRow(handle.db, queued.id),
        deliverOutboxRow(handle.db, queued.id),
      ]);
      // The second finds the row claimed (or, if the first already finished, sent).
      expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
      expect(receiver.requests).toHaveLength(1);
      expect((await rowOf(queued.id)).attempts).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it("webhook: missing configuration is a clear error that names the variable", async () => {
    configure({ DELIVERY_CHANNEL: "webhook" });
    const queued = await queueMessage(handle.db);
    expect(await deliverOutboxRow(handle.db, queued.id)).toBe("retry");
    expect((await rowOf(queued.id)).lastError).toMatch(/^WEBHOOK_URL is not set/);

    configure({ DELIVERY_CHANNEL: "webhook", WEBHOOK_URL: "http://127.0.0.1:9/hook" });
    expect(await deliverOutboxRow(handle.db, queued.id)).toBe("retry");
    expect((await rowOf(queued.id)).lastError).toMatch(/^WEBHOOK_SECRET is not set/);

    // The row keeps the channel it was queued with, even after DELIVERY_CHANNEL changes.
    configure({ DELIVERY_CHANNEL: "log", WEBHOOK_URL: "http://127.0.0.1:9/hook" });
    expect(await deliverOutboxRow(handle.db, queued.id)).toBe("retry");
    expect(await rowOf(queued.id)).toMatchObject({ channel: "webhook", attempts: 3 });
  });

  it("smtp: sends the reply and the escalation with the idempotency key in a header", async () => {
    const smtp = await startFakeSmtp();
    try {
      configure({ DELIVERY_CHANNEL: "smtp", SMTP_URL: smtp.url, SMTP_FROM: "Support <help@shop.test>" });
      const reply = await queueMessage(handle.db);
      const escalation = await queueMessage(handle.db, {
        kind: "escalation",
        team: "billing",
        reason: "Refund above the limit",
        text: undefined,
      });
      expect(await deliverOutboxRow(handle.db, reply.id)).toBe("sent");
      expect(await deliverOutboxRow(handle.db, escalation.id)).toBe("sent");
      expect(await deliverOutboxRow(handle.db, reply.id)).toBe("already_sent");

      expect(smtp.messages).toHaveLength(2);
      // Unfold long header lines (RFC 5322) before matching.
      const [first, second] = smtp.messages.map((m) => ({ ...m, data: m.data.replace(/\r\n[ \t]+/g, " ") }));
      expect(first!.from).toBe("<help@shop.test>");
      expect(first!.to).toEqual(["<ada@example.com>"]);
      expect(first!.data).toMatch(/^Subject: Re: Where is my order\?$/m);
      expect(first!.data).toContain(`X-Countersign-Idempotency-Key: ${reply.idempotencyKey}`);
      expect(first!.data).toContain("Hi Ada, your order ships today.");
      expect(second!.to).toEqual(["<ada@example.com>"]);
      expect(second!.data).toMatch(/^Subject: \[Escalation: billing\] Re: Where is my order\?$/m);
      expect(second!.data).toContain("Reason: Refund above the limit");
      expect(second!.data).toContain(`X-Countersign-Idempotency-Key: ${escalation.idempotencyKey}`);
    } finally {
      await smtp.close();
    }
  });

  it("smtp: a missing SMTP_URL is a clear error", async () => {
    configure({ DELIVERY_CHANNEL: "smtp" });
    const queued = await queueMessage(handle.db);
    expect(await deliverOutboxRow(handle.db, queued.id)).toBe("retry");
    expect((await rowOf(queued.id)).lastError).toMatch(/^SMTP_URL is not set/);
  });

  it("gives up at once on what no retry can fix: a bad payload, an unknown channel", async () => {
    configure({});
    const badPayload = await queueMessage(handle.db);
    await handle.db
      .update(outbox)
      .set({ payload: { kind: "fax" } })
      .where(eq(outbox.id, badPayload.id));
    expect(await deliverOutboxRow(handle.db, badPayload.id)).toBe("dead");
    expect((await rowOf(badPayload.id)).lastError).toMatch(/^Invalid outbox payload/);

    const badChannel = await queueMessage(handle.db);
    await handle.db.update(outbox).set({ channel: "pigeon" }).where(eq(outbox.id, badChannel.id));
    expect(await deliverOutboxRow(handle.db, badChannel.id)).toBe("dead");
    expect((await rowOf(badChannel.id)).lastError).toMatch(/^Unknown delivery channel "pigeon"/);

    expect(await deliverOutboxRow(handle.db, "00000000-0000-4000-8000-000000000000")).toBe("dead");
  });
});

// End to end through pg-boss: on PGlite (the embedded adapter) always, on PostgreSQL when configured.
describe.each(availableDrivers())("outbox queue on %s", (driver) => {
  let handle: TestDatabase;
  let boss: PgBoss | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    // The first request fails, so the pg-boss retry path is exercised too.
    receiver = await startWebhookReceiver(SECRET, (n) => (n === 1 ? 500 : 200));
  });
  afterAll(async () => {
    await boss?.stop({ graceful: true, wait: true });
    await receiver?.close();
    await handle?.destroy();
  });

  async function rowOf(id: string) {
    const [row] = await handle.db.select().from(outbox).where(eq(outbox.id, id));
    return row!;
  }

  it("sweeps rows left pending on start, delivers enqueued rows, and retries a failure with backoff", async () => {
    configure({ DELIVERY_CHANNEL: "webhook", WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });

    // Committed before the queue runs, never enqueued: as after a crash between commit and enqueue.
    const orphan = await queueMessage(handle.db);
    boss = await startQueue(handle);

    const queued = await queueMessage(handle.db, { kind: "escalation", team: "billing", reason: "Refund" });
    // Enqueued twice (a retried request, say): the singleton key keeps one waiting job.
    expect(await enqueueDeliveries(boss, [queued.id, queued.id])).toBe(1);
    await enqueueDeliveries(boss, [queued.id]);

    for (const id of [orphan.id, queued.id]) {
      const row = await waitFor(
        async () => {
          const current = await rowOf(id);
          return current.status === "sent" ? current : undefined;
        },
        { timeoutMs: 25_000, what: `outbox row ${id} to be sent` },
      );
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(row.lastError).toBeNull();
    }
    // One of the two took a second attempt (the receiver failed the first request), none took more.
    const attempts = [(await rowOf(orphan.id)).attempts, (await rowOf(queued.id)).attempts].sort();
    expect(attempts).toEqual([1, 2]);
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.accepted.get(orphan.idempotencyKey)).toHaveLength(1);
    expect(receiver.accepted.get(queued.idempotencyKey)).toHaveLength(1);

    // A job for a row already sent completes without sending.
    expect(await outboxJob(handle, { outboxId: queued.id })).toBe("already_sent");
    expect(receiver.requests).toHaveLength(3);
    const queue = await boss.getQueue(OUTBOX_QUEUE);
    expect(queue).toMatchObject({ policy: "short", retryLimit: 5, retryBackoff: true, retryDelay: 2 });
  }, 40_000);
});

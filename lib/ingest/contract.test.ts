import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentActions, agentRuns, auditLog, customers, outbox, reviews, tickets } from "@/db/schema";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { databaseFingerprint } from "@/test/fingerprint";
import { createIngestHandlers } from "./http";
import { createRateLimiter } from "./rate-limit";

const ORIGIN = "http://countersign.test";

function ticket(overrides: Record<string, unknown> = {}) {
  return {
    externalId: `EXT-${randomUUID()}`,
    subject: "Where is my order?",
    body: "I ordered a lamp last week and nothing has arrived.",
    from: "ada@example.com",
    channel: "email",
    ...overrides,
  };
}

function post(
  path: string,
  body: BodyInit | null,
  headers: Record<string, string | undefined> = {},
): Request {
  const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return new Request(`${ORIGIN}${path}`, { method: "POST", body, headers: clean });
}

describe.each(availableDrivers())("the ingest API on %s", (driver) => {
  let handle: TestDatabase;
  let key: string;
  let exportKey: string;
  let revokedKey: string;
  let customerId: string;
  let enqueued: string[][];
  let handlers: ReturnType<typeof createIngestHandlers>;

  /** JSON headers with the given key; `null` sends no Authorization header. */
  const json = (k: string | null = key) => ({
    "content-type": "application/json",
    authorization: k === null ? undefined : `Bearer ${k}`,
  });
  const postTicket = (body: unknown, headers: Record<string, string | undefined> = json()) =>
    handlers.postTicket(
      post("/api/v1/tickets", typeof body === "string" ? body : JSON.stringify(body), headers),
    );
  const postBatch = (body: unknown, headers: Record<string, string | undefined> = json()) =>
    handlers.postBatch(
      post("/api/v1/tickets/batch", typeof body === "string" ? body : JSON.stringify(body), headers),
    );
  const ticketCount = async () => Number((await handle.db.select({ n: count() }).from(tickets))[0]?.n);

  /** Runs a request that must fail and proves it wrote nothing at all. */
  async function expectRefused(
    send: () => Promise<Response>,
    status: number,
    code: RegExp,
  ): Promise<{ code: string; message: string; fields?: Record<string, string[]>; items?: number[] }> {
    const before = await databaseFingerprint(handle.db);
    const queued = enqueued.length;
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toMatch(code);
    expect(body.error.message.length).toBeGreaterThan(20);
    expect(await databaseFingerprint(handle.db)).toEqual(before);
    expect(enqueued.length).toBe(queued);
    return body.error;
  }

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    const [customer] = await handle.db
      .insert(customers)
      .values([
        { email: "ada@example.com", name: "Ada Lovelace" },
        { email: "grace@example.com", name: "Grace Hopper" },
      ])
      .returning({ id: customers.id });
    customerId = customer!.id;
    key = (await createApiKey(handle.db, { name: "helpdesk", scopes: ["tickets:ingest"] })).key;
    exportKey = (await createApiKey(handle.db, { name: "exports", scopes: ["datasets:export"] })).key;
    const revoked = await createApiKey(handle.db, { name: "old", scopes: ["tickets:ingest"] });
    await revokeApiKey(handle.db, revoked.id);
    revokedKey = revoked.key;
  });
  afterAll(() => handle?.destroy());

  beforeEach(() => {
    enqueued = [];
    handlers = createIngestHandlers({
      db: async () => handle.db,
      enqueueDrafts: async (ids) => enqueued.push(ids),
      rateLimiter: createRateLimiter(1_000_000),
    });
  });

  describe("POST /api/v1/tickets", () => {
    it("creates a ticket: 201 with its id and absolute url, customer matched, audited, drafting queued", async () => {
      const input = ticket({ metadata: { helpdesk: "zendesk", tags: ["vip"] } });
      const response = await postTicket(input);
      expect(response.status).toBe(201);
      const body = (await response.json()) as { id: string; url: string };
      expect(body.url).toBe(`${ORIGIN}/tickets/${body.id}`);
      expect(response.headers.get("location")).toBe(body.url);
      const [row] = await handle.db.select().from(tickets).where(eq(tickets.id, body.id));
      expect(row).toMatchObject({
        externalId: input.externalId,
        subject: input.subject,
        body: input.body,
        fromEmail: "ada@example.com",
        channel: "email",
        status: "new",
        customerId,
        metadata: { helpdesk: "zendesk", tags: ["vip"] },
      });
      expect(row?.payloadHash).toMatch(/^[0-9a-f]{64}$/);
      const audit = await handle.db.select().from(auditLog).where(eq(auditLog.entityId, body.id));
      expect(audit).toMatchObject([{ actorType: "api_key", action: "ticket.ingest" }]);
      expect(enqueued).toEqual([[body.id]]);
    });

    it("is idempotent: the same payload again (keys in any order) answers 200 with the same ticket", async () => {
      const input = ticket({ metadata: { a: 1, b: { c: 2, d: [1, 2] } } });
      const first = (await (await postTicket(input)).json()) as { id: string };
      const before = await databaseFingerprint(handle.db);
      const reordered = Object.fromEntries(
        Object.entries({ ...input, metadata: { b: { d: [1, 2], c: 2 }, a: 1 } }).reverse(),
      );
      const again = await postTicket(reordered);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ id: first.id, url: `${ORIGIN}/tickets/${first.id}` });
      expect(await databaseFingerprint(handle.db)).toEqual(before);
      // A null optional field is the same payload as a missing one.
      expect((await postTicket({ ...input, customerRef: null })).status).toBe(200);
    });

    it("answers 409 for a different payload under a known externalId, pointing at the stored ticket", async () => {
      const input = ticket();
      const first = (await (await postTicket(input)).json()) as { id: string };
      const error = await expectRefused(
        () => postTicket({ ...input, body: "Something else" }),
        409,
        /^conflict:/,
      );
      expect(error).toMatchObject({ id: first.id, url: `${ORIGIN}/tickets/${first.id}` });
      await expectRefused(() => postTicket({ ...input, metadata: { changed: true } }), 409, /^conflict:/);
    });

    it("matches the customer by customerRef (id or e-mail) before the sender's address", async () => {
      const [grace] = await handle.db
        .select()
        .from(customers)
        .where(eq(customers.email, "grace@example.com"));
      const byEmail = (await (await postTicket(ticket({ customerRef: "GRACE@example.com" }))).json()) as {
        id: string;
      };
      const byId = (await (await postTicket(ticket({ customerRef: grace!.id }))).json()) as { id: string };
      const unknown = (await (await postTicket(ticket({ customerRef: "nobody@example.com" }))).json()) as {
        id: string;
      };
      const stranger = (await (await postTicket(ticket({ from: "new@example.com" }))).json()) as {
        id: string;
      };
      const customerOf = async (id: string) =>
        (await handle.db.select().from(tickets).where(eq(tickets.id, id)))[0]?.customerId;
      expect(await customerOf(byEmail.id)).toBe(grace!.id);
      expect(await customerOf(byId.id)).toBe(grace!.id);
      expect(await customerOf(unknown.id)).toBe(customerId); // falls back to `from`
      expect(await customerOf(stranger.id)).toBeNull();
    });

    it("accepts the limits exactly: a 300-character subject and a 50,000-character body", async () => {
      const response = await postTicket(ticket({ subject: "s".repeat(300), body: "b".repeat(50_000) }));
      expect(response.status).toBe(201);
    });

    const invalid: [string, Record<string, unknown> | string, string][] = [
      ["a missing externalId", { externalId: undefined }, "externalId"],
      ["an empty externalId", { externalId: "" }, "externalId"],
      ["an externalId with surrounding spaces", { externalId: " ZD-1 " }, "externalId"],
      ["a numeric externalId", { externalId: 42 }, "externalId"],
      ["a missing subject", { subject: undefined }, "subject"],
      ["a blank subject", { subject: "   " }, "subject"],
      ["a 301-character subject", { subject: "s".repeat(301) }, "subject"],
      ["a missing body", { body: undefined }, "body"],
      ["a 50,001-character body", { body: "b".repeat(50_001) }, "body"],
      ["a body with a NUL character", { body: "hello\u0000world" }, "body"],
      ["a subject with an unpaired surrogate", { subject: "broken \ud800 text" }, "subject"],
      ["a missing sender", { from: undefined }, "from"],
      ["a sender that is not an e-mail address", { from: "not-an-email" }, "from"],
      ["an unknown channel", { channel: "pigeon" }, "channel"],
      ["a missing channel", { channel: undefined }, "channel"],
      ["an empty customerRef", { customerRef: "" }, "customerRef"],
      ["metadata that is an array", { metadata: [1, 2] }, "metadata"],
      ["metadata that is a string", { metadata: "x" }, "metadata"],
      [
        "metadata nested too deeply",
        { metadata: JSON.parse(`${'{"a":'.repeat(12)}1${"}".repeat(12)}`) },
        "metadata",
      ],
      ["metadata that is too big", { metadata: { blob: "x".repeat(20_000) } }, "metadata"],
      ["metadata with a NUL character", { metadata: { note: "a\u0000b" } }, "metadata"],
      ["an unknown field", { priority: "high" }, "priority"],
    ];
    it.each(invalid)(
      "answers 400 with a field message for %s, writing nothing",
      async (_name, change, field) => {
        const error = await expectRefused(
          () => postTicket(ticket(change as Record<string, unknown>)),
          400,
          /^bad_request:/,
        );
        expect(error.fields?.[field]?.[0]).toEqual(expect.any(String));
      },
    );

    const malformed: [string, string][] = [
      ["invalid JSON", '{"externalId": '],
      ["an empty body", ""],
      ["a JSON array", "[]"],
      ["JSON null", "null"],
      ["a JSON string", '"ticket"'],
    ];
    it.each(malformed)("answers 400 for %s, writing nothing", async (_name, body) => {
      await expectRefused(() => postTicket(body), 400, /^bad_request:/);
    });

    it("answers 400 for a body that is not UTF-8, writing nothing", async () => {
      const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      const error = await expectRefused(
        () => handlers.postTicket(post("/api/v1/tickets", bytes, json())),
        400,
        /^bad_request:body$/,
      );
      expect(error.message).toMatch(/UTF-8/);
    });

    it("answers 401 without a key, with a malformed header, or with an unknown key, writing nothing", async () => {
      await expectRefused(() => postTicket(ticket(), json(null)), 401, /^unauthorized:api_key$/);
      await expectRefused(
        () => postTicket(ticket(), { "content-type": "application/json", authorization: `Basic ${key}` }),
        401,
        /^unauthorized:/,
      );
      await expectRefused(
        () => postTicket(ticket(), json("cs_not-a-real-key")),
        401,
        /^unauthorized:api_key$/,
      );
    });

    it("answers 401 before reading the body: a bad key with a bad body is still 401", async () => {
      await expectRefused(() => postTicket("not json", json("cs_wrong")), 401, /^unauthorized:/);
    });

    it("answers 403 for a key without tickets:ingest and for a revoked key, writing nothing", async () => {
      const scope = await expectRefused(
        () => postTicket(ticket(), json(exportKey)),
        403,
        /^forbidden:api_key$/,
      );
      expect(scope.message).toMatch(/tickets:ingest/);
      const revoked = await expectRefused(
        () => postTicket(ticket(), json(revokedKey)),
        403,
        /^forbidden:api_key$/,
      );
      expect(revoked.message).toMatch(/revoked/);
    });

    it("answers 413 over 1 MB, declared or streamed, writing nothing", async () => {
      const big = JSON.stringify(ticket({ body: "x".repeat(1_100_000) }));
      await expectRefused(() => postTicket(big), 413, /^payload_too_large:/);
      await expectRefused(
        () => postTicket("{}", { ...json(), "content-length": String(2_000_000) }),
        413,
        /^payload_too_large:/,
      );
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(100_000).fill(0x20));
          controller.close();
        },
      });
      await expectRefused(
        () =>
          handlers.postTicket(
            new Request(`${ORIGIN}/api/v1/tickets`, {
              method: "POST",
              body: stream,
              headers: json(),
              duplex: "half",
            } as RequestInit),
          ),
        413,
        /^payload_too_large:/,
      );
    });

    it("answers 415 for a body not declared as JSON, writing nothing", async () => {
      const body = JSON.stringify(ticket());
      for (const type of [
        undefined,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
      ]) {
        await expectRefused(
          () => postTicket(body, { authorization: `Bearer ${key}`, "content-type": type }),
          415,
          /^unsupported_media_type:/,
        );
      }
      expect(
        (await postTicket(ticket(), { ...json(), "content-type": "application/json; charset=utf-8" })).status,
      ).toBe(201);
    });

    it("answers 429 with Retry-After once a key is over its limit, writing nothing", async () => {
      const limited = createIngestHandlers({
        db: async () => handle.db,
        enqueueDrafts: async (ids) => enqueued.push(ids),
        rateLimiter: createRateLimiter(2),
      });
      const send = (body: unknown) =>
        limited.postTicket(post("/api/v1/tickets", JSON.stringify(body), json()));
      expect((await send(ticket())).status).toBe(201);
      expect((await send(ticket())).status).toBe(201);
      const before = await databaseFingerprint(handle.db);
      const refused = await send(ticket());
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited:api_key");
      expect(await databaseFingerprint(handle.db)).toEqual(before);
      // Another key has its own bucket.
      const other = (await createApiKey(handle.db, { name: "other", scopes: ["tickets:ingest"] })).key;
      const response = await limited.postTicket(
        post("/api/v1/tickets", JSON.stringify(ticket()), json(other)),
      );
      expect(response.status).toBe(201);
    });

    it("creates exactly one ticket from 20 parallel posts of one externalId", async () => {
      const input = ticket();
      const responses = await Promise.all(Array.from({ length: 20 }, () => postTicket(input)));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(18).fill(200), 201].sort());
      const ids = new Set(
        await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)),
      );
      expect(ids.size).toBe(1);
      const rows = await handle.db.select().from(tickets).where(eq(tickets.externalId, input.externalId));
      expect(rows).toHaveLength(1);
      const audits = await handle.db.select().from(auditLog).where(eq(auditLog.entityId, rows[0]!.id));
      expect(audits).toHaveLength(1);
    });
  });

  describe("POST /api/v1/tickets/batch", () => {
    it("stores every ticket and reports each as created; a replay reports existing and conflict", async () => {
      const items = [ticket(), ticket({ from: "grace@example.com" }), ticket()];
      const first = await postBatch({ tickets: items });
      expect(first.status).toBe(201);
      const created = (await first.json()) as {
        results: { externalId: string; id: string; status: string; url: string }[];
      };
      expect(created.results.map((r) => [r.externalId, r.status])).toEqual(
        items.map((i) => [i.externalId, "created"]),
      );
      expect(created.results[0]?.url).toBe(`${ORIGIN}/tickets/${created.results[0]?.id}`);
      expect(enqueued.flat().sort()).toEqual(created.results.map((r) => r.id).sort());

      const fresh = ticket();
      const replay = await postBatch({ tickets: [items[0], { ...items[1], subject: "Changed" }, fresh] });
      expect(replay.status).toBe(201);
      const replayed = (await replay.json()) as { results: { id: string; status: string }[] };
      expect(replayed.results.map((r) => r.status)).toEqual(["existing", "conflict", "created"]);
      expect(replayed.results[1]?.id).toBe(created.results[1]?.id);
      const [changed] = await handle.db.select().from(tickets).where(eq(tickets.id, created.results[1]!.id));
      expect(changed?.subject).toBe("Where is my order?");

      const again = await postBatch({ tickets: [items[0], items[2]] });
      expect(again.status).toBe(200);
    });

    it("stores nothing when one ticket is invalid, and lists each bad item", async () => {
      const error = await expectRefused(
        () => postBatch({ tickets: [ticket(), ticket({ from: "nope" }), ticket(), ticket({ subject: "" })] }),
        400,
        /^bad_request:batch$/,
      );
      expect(error.items).toEqual([1, 3]);
      expect(Object.keys(error.fields ?? {})).toEqual(
        expect.arrayContaining(["tickets.1.from", "tickets.3.subject"]),
      );
    });

    it("refuses more than 100 tickets, an empty batch, repeated externalIds and a bare array, writing nothing", async () => {
      await expectRefused(
        () => postBatch({ tickets: Array.from({ length: 101 }, () => ticket()) }),
        400,
        /^bad_request:/,
      );
      await expectRefused(() => postBatch({ tickets: [] }), 400, /^bad_request:/);
      const twice = ticket();
      const repeated = await expectRefused(
        () => postBatch({ tickets: [twice, ticket(), twice] }),
        400,
        /^bad_request:/,
      );
      expect(repeated.fields?.["tickets.2.externalId"]?.[0]).toMatch(/repeats item 0/);
      await expectRefused(() => postBatch([ticket()]), 400, /^bad_request:/);
    });

    it("accepts 100 tickets and refuses a body over 5 MB (413), writing nothing", async () => {
      const hundred = await postBatch({ tickets: Array.from({ length: 100 }, () => ticket()) });
      expect(hundred.status).toBe(201);
      const huge =
        JSON.stringify({ tickets: Array.from({ length: 100 }, () => ticket({ body: "x".repeat(49_000) })) }) +
        " ".repeat(600_000);
      await expectRefused(() => postBatch(huge), 413, /^payload_too_large:/);
    });

    it("answers 401, 403 and 415 like the single endpoint, writing nothing", async () => {
      await expectRefused(() => postBatch({ tickets: [ticket()] }, json(null)), 401, /^unauthorized:/);
      await expectRefused(() => postBatch({ tickets: [ticket()] }, json(exportKey)), 403, /^forbidden:/);
      await expectRefused(() => postBatch({ tickets: [ticket()] }, json(revokedKey)), 403, /^forbidden:/);
      await expectRefused(
        () =>
          postBatch(JSON.stringify({ tickets: [ticket()] }), {
            authorization: `Bearer ${key}`,
            "content-type": "text/csv",
          }),
        415,
        /^unsupported_media_type:/,
      );
    });

    it("never deadlocks: 10 parallel batches over the same externalIds in different orders make one ticket each", async () => {
      const shared = Array.from({ length: 8 }, () => ticket());
      const batches = Array.from({ length: 10 }, (_, i) => {
        const order = [...shared];
        for (let j = order.length - 1; j > 0; j--) {
          const k = (i * 7 + j * 3) % (j + 1);
          [order[j], order[k]] = [order[k]!, order[j]!];
        }
        return order;
      });
      const responses = await Promise.all(batches.map((b) => postBatch({ tickets: b })));
      expect(responses.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      for (const item of shared) {
        const rows = await handle.db.select().from(tickets).where(eq(tickets.externalId, item.externalId));
        expect(rows).toHaveLength(1);
      }
    });
  });

  describe("GET /api/v1/tickets/{id}", () => {
    const get = (id: string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
      handlers.getTicket(new Request(`${ORIGIN}/api/v1/tickets/${id}`, { headers }), id);

    it("answers the status, proposed actions, decisions and delivery state", async () => {
      const posted = (await (await postTicket(ticket())).json()) as { id: string };
      const fresh = await get(posted.id);
      expect(fresh.status).toBe(200);
      expect(await fresh.json()).toMatchObject({
        id: posted.id,
        url: `${ORIGIN}/tickets/${posted.id}`,
        status: "new",
        actions: [],
        decisions: [],
        delivery: [],
      });

      const [run] = await handle.db
        .insert(agentRuns)
        .values({ ticketId: posted.id, model: "offline", status: "succeeded" })
        .returning();
      const [action] = await handle.db
        .insert(agentActions)
        .values({
          runId: run!.id,
          ticketId: posted.id,
          kind: "reply",
          status: "approved",
          payload: { text: "It ships today.", citations: [], model: "offline" },
        })
        .returning();
      await handle.db.insert(reviews).values({
        actionId: action!.id,
        ticketId: posted.id,
        actionKind: "reply",
        runId: run!.id,
        proposedAt: action!.createdAt,
        model: "offline",
        decision: "approve",
        originalText: "It ships today.",
        finalText: "It ships today.",
      });
      await handle.db.insert(outbox).values({
        actionId: action!.id,
        ticketId: posted.id,
        idempotencyKey: `k-${action!.id}`,
        payload: { kind: "reply" },
        status: "sent",
        attempts: 1,
        sentAt: new Date(),
      });
      await handle.db.update(tickets).set({ status: "resolved" }).where(eq(tickets.id, posted.id));

      const decided = (await (await get(posted.id)).json()) as Record<string, unknown>;
      expect(decided).toMatchObject({
        status: "resolved",
        actions: [
          { id: action!.id, kind: "reply", status: "approved", payload: { text: "It ships today." } },
        ],
        decisions: [{ actionId: action!.id, decision: "approve", finalText: "It ships today." }],
        delivery: [{ actionId: action!.id, kind: "reply", status: "sent", attempts: 1 }],
      });
    });

    it("answers 404 for an unknown id, 400 for a malformed one, 401/403 for bad keys", async () => {
      expect((await get(randomUUID())).status).toBe(404);
      const malformed = await get("'; drop table tickets; --");
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { error: { fields: object } }).error.fields).toHaveProperty("id");
      expect((await get(randomUUID(), {})).status).toBe(401);
      expect((await get(randomUUID(), { authorization: "Bearer cs_nope" })).status).toBe(401);
      expect((await get(randomUUID(), { authorization: `Bearer ${exportKey}` })).status).toBe(403);
    });

    it("lets a signed-in user read without a key", async () => {
      const posted = (await (await postTicket(ticket())).json()) as { id: string };
      let asked = 0;
      const withSession = createIngestHandlers({
        db: async () => handle.db,
        enqueueDrafts: async () => undefined,
        rateLimiter: createRateLimiter(10),
        sessionReader: async () => {
          asked++;
          return { id: "00000000-0000-4000-8000-000000000000" };
        },
      });
      const response = await withSession.getTicket(
        new Request(`${ORIGIN}/api/v1/tickets/${posted.id}`),
        posted.id,
      );
      expect(response.status).toBe(200);
      expect(asked).toBe(1);
    });
  });

  it("keeps every ticket it stored countable (sanity for the checks above)", async () => {
    expect(await ticketCount()).toBeGreaterThan(10);
  });
});

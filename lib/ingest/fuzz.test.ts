import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { databaseFingerprint } from "@/test/fingerprint";
import { createIngestHandlers } from "./http";
import { createRateLimiter } from "./rate-limit";

/**
 * At least 1,000 malformed requests: wrong types, broken and truncated JSON,
 * invalid UTF-8, 10,000-level nesting, 2 MB and 6 MB bodies, wrong content
 * types, bad keys. Every one must be refused with a 4xx, none may answer 500,
 * and the database must be exactly as it was.
 */

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

const valid = () => ({
  externalId: `FUZZ-${randomUUID()}`,
  subject: "Where is my order?",
  body: "It has not arrived.",
  from: "ada@example.com",
  channel: "email",
  customerRef: "ada@example.com",
  metadata: { source: "fuzz" },
});

const NOT_STRINGS = [0, 1, -1, 1.5, 1e308, true, false, [], {}, ["x"], { a: "b" }, [[[]]]];
const deep = (levels: number, open = "[", close = "]") => `${open.repeat(levels)}${close.repeat(levels)}`;
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

/** Values that are wrong for each field, whatever else the payload holds. */
const INVALID: Record<string, unknown[]> = {
  externalId: [...NOT_STRINGS, null, "", " x", "x ", "a\nb", "a\u0000b", "x".repeat(201), "bad\ud800"],
  subject: [...NOT_STRINGS, null, "", "   ", "s".repeat(301), "nul\u0000", "\udfff"],
  body: [...NOT_STRINGS, null, "", "\n\t ", "b".repeat(50_001), "nul\u0000body"],
  from: [...NOT_STRINGS, null, "", "a", "a@", "@b.co", "a b@c.de", `${"x".repeat(320)}@example.com`, "ada@"],
  channel: [...NOT_STRINGS, null, "", "EMAIL", "pigeon", "email "],
  customerRef: [...NOT_STRINGS, "", "ref\u0000", "x".repeat(321)],
  metadata: [
    [],
    ["a"],
    "string",
    42,
    true,
    { nul: "a\u0000b" },
    { "k\u0000": 1 },
    { big: "x".repeat(17_000) },
    JSON.parse(deepObject(11)),
    { lone: "\ud800" },
  ],
};

interface Case {
  name: string;
  endpoint: "single" | "batch" | "get";
  body?: BodyInit;
  contentType?: string | null;
  authorization?: string | null;
  id?: string;
  expect: number[];
}

function buildCases(key: string, seed: number): Case[] {
  const r = prng(seed);
  const cases: Case[] = [];
  const fields = Object.keys(INVALID);

  // 1. Every invalid value of every field, alone.
  for (const field of fields) {
    for (const value of INVALID[field] ?? []) {
      cases.push({
        name: `${field}=${JSON.stringify(value)?.slice(0, 40)}`,
        endpoint: "single",
        body: JSON.stringify({ ...valid(), [field]: value }),
        expect: [400],
      });
    }
  }
  // 2. Random combinations: 1 to 4 invalid fields, some missing fields, some unknown keys.
  for (let i = 0; i < 400; i++) {
    const payload: Record<string, unknown> = valid();
    const changes = 1 + r.int(4);
    for (let c = 0; c < changes; c++) {
      const field = r.pick(fields);
      payload[field] = r.pick(INVALID[field] ?? []);
    }
    if (r.next() < 0.3) delete payload[r.pick(["externalId", "subject", "body", "from", "channel"])];
    if (r.next() < 0.2) payload[`extra_${r.int(1000)}`] = r.pick(NOT_STRINGS);
    cases.push({
      name: `combo ${i}`,
      endpoint: r.next() < 0.8 ? "single" : "batch",
      body: JSON.stringify(payload),
      expect: [400],
    });
  }
  // 3. Random bytes (mostly not UTF-8, never JSON objects).
  for (let i = 0; i < 200; i++) {
    const bytes = new Uint8Array(1 + r.int(2048));
    for (let b = 0; b < bytes.length; b++) bytes[b] = r.int(256);
    bytes[0] = 0xff; // never a valid UTF-8 start: the body is refused before parsing
    cases.push({
      name: `random bytes ${i}`,
      endpoint: r.next() < 0.5 ? "single" : "batch",
      body: bytes,
      expect: [400],
    });
  }
  // 4. Invalid UTF-8 sequences inside otherwise valid JSON.
  const encoder = new TextEncoder();
  const badSequences = [
    [0xc0, 0xaf],
    [0xe0, 0x80, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0x80],
    [0xfe],
    [0xc3],
  ];
  for (const sequence of badSequences) {
    for (const field of ["subject", "body", "externalId"]) {
      const [head, tail] = JSON.stringify({ ...valid(), [field]: "@@" }).split("@@") as [string, string];
      const bytes = new Uint8Array([...encoder.encode(head), ...sequence, ...encoder.encode(tail)]);
      cases.push({ name: `bad utf-8 in ${field}`, endpoint: "single", body: bytes, expect: [400] });
    }
  }
  // 5. Truncated JSON: every 7th prefix of a valid payload.
  const whole = JSON.stringify(valid());
  for (let n = 0; n < whole.length - 1; n += 7) {
    cases.push({ name: `truncated at ${n}`, endpoint: "single", body: whole.slice(0, n), expect: [400] });
  }
  // 6. Not JSON objects at all.
  for (const body of [
    "null",
    "true",
    "0",
    '"x"',
    "[]",
    "[{}]",
    "{}",
    "{,}",
    "{'a':1}",
    "NaN",
    "undefined",
    "\u0000",
    '{"a":1}}',
    "\uFEFF",
  ]) {
    cases.push({ name: `body ${JSON.stringify(body)}`, endpoint: "single", body, expect: [400] });
    cases.push({ name: `batch body ${JSON.stringify(body)}`, endpoint: "batch", body, expect: [400] });
  }
  // 7. Deep nesting: 10,000 levels as the body, as a field and as metadata; 400,000 levels within the size cap.
  for (const levels of [1_000, 10_000, 100_000, 400_000]) {
    cases.push({ name: `array body ${levels} deep`, endpoint: "single", body: deep(levels), expect: [400] });
    cases.push({
      name: `object body ${levels} deep`,
      endpoint: "batch",
      body: deepObject(levels),
      expect: [400],
    });
  }
  for (const field of ["externalId", "subject", "metadata", "customerRef"]) {
    const [head, tail] = JSON.stringify({ ...valid(), [field]: "@@" }).split('"@@"') as [string, string];
    cases.push({
      name: `${field} 10,000 deep`,
      endpoint: "single",
      body: `${head}${deepObject(10_000)}${tail}`,
      expect: [400],
    });
    cases.push({
      name: `${field} 10,000 deep array`,
      endpoint: "single",
      body: `${head}${deep(10_000)}${tail}`,
      expect: [400],
    });
  }
  cases.push({
    name: "tickets 10,000 deep",
    endpoint: "batch",
    body: `{"tickets":${deep(10_000)}}`,
    expect: [400],
  });
  // 8. Huge bodies: refused by size before parsing.
  for (let i = 0; i < 6; i++) {
    const filler = "x".repeat(2 * 1024 * 1024 + i);
    cases.push({
      name: `2 MB single ${i}`,
      endpoint: "single",
      body: JSON.stringify({ ...valid(), body: filler }),
      expect: [413],
    });
  }
  cases.push({
    name: "6 MB batch",
    endpoint: "batch",
    body: `{"tickets":["${"y".repeat(6 * 1024 * 1024)}"]}`,
    expect: [413],
  });
  cases.push({ name: "2 MB of [", endpoint: "single", body: "[".repeat(2 * 1024 * 1024), expect: [413] });
  // 9. Batches: wrong shapes, too many, repeated ids, one bad item among good ones.
  for (let i = 0; i < 120; i++) {
    const items = Array.from({ length: 1 + r.int(5) }, () => valid() as Record<string, unknown>);
    const variant = i % 6;
    let body: unknown;
    if (variant === 0) body = { tickets: r.pick(NOT_STRINGS.filter((v) => !Array.isArray(v))) };
    else if (variant === 1) body = { tickets: Array.from({ length: 101 + r.int(50) }, valid) };
    else if (variant === 2) body = { tickets: [...items, items[0]] };
    else if (variant === 3) {
      const field = r.pick(fields);
      items[r.int(items.length)]![field] = r.pick(INVALID[field] ?? []);
      body = { tickets: items };
    } else if (variant === 4) body = { tickets: items, extra: true };
    else body = { tickets: items.map(() => r.pick(NOT_STRINGS)) };
    cases.push({
      name: `batch variant ${variant} #${i}`,
      endpoint: "batch",
      body: JSON.stringify(body),
      expect: [400],
    });
  }
  // 10. Wrong content types with a valid body: 415, nothing read.
  const types = [
    "text/plain",
    "text/json",
    "application/xml",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "application/json; charset=latin1",
    "application/jsonp",
    "json",
    "*/*",
    "",
    null,
    "application/json, text/plain",
    "APPLICATION/XML",
  ];
  for (const contentType of types) {
    for (let i = 0; i < 4; i++) {
      cases.push({
        name: `content-type ${contentType}`,
        endpoint: i % 2 ? "batch" : "single",
        body: JSON.stringify(i % 2 ? { tickets: [valid()] } : valid()),
        contentType,
        expect: [415],
      });
    }
  }
  // 11. Bad credentials with valid and invalid bodies: 401/403 before anything else.
  const badAuth = [
    null,
    "",
    "Bearer",
    "Bearer ",
    `Basic ${key}`,
    `Bearer ${key}x`,
    `Bearer ${key} extra`,
    "Bearer cs_",
    `Bearer ${"k".repeat(4000)}`,
    "Token abc",
    `bearer\t${key.slice(0, -1)}`,
  ];
  for (const authorization of badAuth) {
    for (let i = 0; i < 4; i++) {
      cases.push({
        name: `auth ${String(authorization).slice(0, 20)}`,
        endpoint: r.pick(["single", "batch", "get"] as const),
        body: i % 2 ? JSON.stringify(valid()) : "{bad json",
        authorization,
        id: randomUUID(),
        expect: [401],
      });
    }
  }
  // 12. GET with ids that are not ticket ids.
  const ids = [
    "",
    "1",
    "abc",
    "' or 1=1 --",
    "../../etc/passwd",
    "%00",
    "x".repeat(5000),
    `${randomUUID()}x`,
    "\u0000",
    "00000000-0000-0000-0000-00000000000g",
  ];
  for (const id of ids) cases.push({ name: `get ${id.slice(0, 20)}`, endpoint: "get", id, expect: [400] });
  for (let i = 0; i < 30; i++)
    cases.push({ name: `get unknown ${i}`, endpoint: "get", id: randomUUID(), expect: [404] });
  // 13. Prototype keys and odd numbers.
  for (const body of [
    `{"__proto__":{"admin":true},${whole.slice(1)}`,
    `${whole.slice(0, -1)},"constructor":{"prototype":{}}}`,
    whole.replace('"metadata":{"source":"fuzz"}', '"metadata":{"__proto__":{"x":1}}'),
    whole.replace('"metadata":{"source":"fuzz"}', '"metadata":{"n":1e999}'),
    whole.replace('"metadata":{"source":"fuzz"}', '"metadata":{"n":-1e999}'),
    whole.replace('"channel":"email"', '"channel":"email","channel":5'),
  ]) {
    cases.push({ name: `odd ${body.slice(0, 30)}`, endpoint: "single", body, expect: [400] });
  }
  return cases;
}

describe.each(availableDrivers())("fuzzing the ingest API on %s", (driver) => {
  let handle: TestDatabase;
  let key: string;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    key = (await createApiKey(handle.db, { name: "fuzz", scopes: ["tickets:ingest"] })).key;
  });
  afterAll(() => handle?.destroy());

  it("refuses 1,000+ malformed requests with a 4xx, never a 500, and writes nothing", async () => {
    const enqueued: string[][] = [];
    const errors: unknown[] = [];
    const handlers = createIngestHandlers({
      db: async () => handle.db,
      enqueueDrafts: async (ids) => enqueued.push(ids),
      rateLimiter: createRateLimiter(1_000_000),
      log: { error: (...args: unknown[]) => errors.push(args) },
    });
    const cases = buildCases(key, 20261124);
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const before = await databaseFingerprint(handle.db);
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    for (const c of cases) {
      const headers: Record<string, string> = {};
      const type = c.contentType === undefined ? "application/json" : c.contentType;
      if (type !== null) headers["content-type"] = type;
      const auth = c.authorization === undefined ? `Bearer ${key}` : c.authorization;
      if (auth !== null) headers.authorization = auth;
      let response: Response;
      if (c.endpoint === "get") {
        response = await handlers.getTicket(
          new Request("http://fuzz.test/api/v1/tickets/x", { headers }),
          c.id ?? "",
        );
      } else {
        const path = c.endpoint === "single" ? "/api/v1/tickets" : "/api/v1/tickets/batch";
        const request = new Request(`http://fuzz.test${path}`, { method: "POST", body: c.body, headers });
        response =
          c.endpoint === "single" ? await handlers.postTicket(request) : await handlers.postBatch(request);
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      if (!c.expect.includes(response.status) || !body.error?.message) {
        unexpected.push(`${c.name}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      }
    }
    console.info(
      `fuzz on ${driver}: ${cases.length} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(unexpected).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(errors).toEqual([]);
    expect(enqueued).toEqual([]);
    expect(await databaseFingerprint(handle.db)).toEqual(before);
  }, 180_000);
});

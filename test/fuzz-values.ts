/**
 * Malformed values shared by the fuzz suites: dates at the limits of the
 * timestamp type and of JavaScript's Date, crafted cursors, NUL and invalid
 * UTF-8, huge strings and wrong types.
 */

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
export function prng(seed: number) {
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

export const LIMIT_DATES = [
  "0000-01-01",
  "0001-01-01",
  "-000001-01-01",
  "1969-12-31",
  "9999-12-31",
  "9999-12-31T23:59:59.999Z",
  "+275760-09-13",
  "-271821-04-20",
  "+294277-01-01",
  "4714-11-24 BC",
  "2026-02-30",
  "2026-13-01",
  "2026-00-10",
  "2026-11-01T24:00:00Z",
  "2026-11-01T12:00:00+99:00",
  "1e999",
  "NaN",
  "Infinity",
  "",
  " ",
];

const NUL = String.fromCharCode(0);

/** Raw query-string values (already percent-encoded where they must be). */
export const QUERY_VALUES = [
  ...LIMIT_DATES.map(encodeURIComponent),
  "%00",
  "a%00b",
  "%ff%fe",
  "%c3%28",
  "%ed%a0%80",
  "%",
  "%zz",
  "x".repeat(10_000),
  "-1",
  "1e308",
  "[]",
  "{}",
  "null",
  "%27%3B--",
];

const b64 = (s: string) => Buffer.from(s).toString("base64url");
const UUID = "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

/** Queue cursors: well-formed base64url holding bad timestamps or ids, and garbage. */
export const CURSORS = [
  ...LIMIT_DATES.map((d) => b64(`${d}|${UUID}`)),
  b64(`2026-11-01T00:00:00.000Z|${"-".repeat(36)}`),
  b64("2026-11-01T00:00:00.000Z|not-a-uuid"),
  b64(`2026-11-01T00:00:00.000Z${NUL}|${UUID}`),
  b64(`2026-11-01T00:00:00.0000000Z|${UUID}`),
  b64("|"),
  b64("||||"),
  "%ff%fe",
  "!!!",
  "x".repeat(199),
];

/** JSON bodies (as text or bytes) that no route should accept. */
export function badBodies(valid: Record<string, unknown>): (string | Uint8Array)[] {
  const text = JSON.stringify(valid);
  const bodies: (string | Uint8Array)[] = [
    "",
    " ",
    "{",
    "{not json",
    "null",
    "[]",
    "0",
    '"x"',
    text.slice(0, -1),
    `${"[".repeat(5000)}${"]".repeat(5000)}`,
    `${'{"a":'.repeat(200)}1${"}".repeat(200)}`,
    JSON.stringify({ ...valid, extra: "x".repeat(1_100_000) }),
    new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  ];
  for (const key of Object.keys(valid)) {
    for (const value of [
      null,
      0,
      -1,
      1e308,
      true,
      [],
      {},
      "",
      "a\u0000b",
      `x${NUL}`,
      "\ud800",
      ...LIMIT_DATES.slice(0, 6),
    ]) {
      bodies.push(JSON.stringify({ ...valid, [key]: value }));
    }
    bodies.push(JSON.stringify({ ...valid, [`${key}${NUL}`]: 1 }));
  }
  return bodies;
}

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { seedFeedback } from "@/test/feedback";
import { chatFormatErrors, jsonLines } from "@/test/fine-tuning-format";

const TSX = path.join(process.cwd(), "node_modules", ".bin", "tsx");

// The CLI opens the configured database, so it needs PostgreSQL (a PGlite test database lives in memory).
describe.skipIf(!process.env.TEST_DATABASE_URL)("npm run export", () => {
  let handle: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    await seedFeedback(handle.db);
    dir = mkdtempSync(path.join(tmpdir(), "countersign-export-"));
  }, 120_000);

  afterAll(async () => {
    await handle?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    spawnSync(TSX, ["scripts/export.ts", ...args], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: handle.url },
      timeout: 60_000,
    });

  it("writes the file and its manifest, reports progress in plain lines off a terminal and prints counts", () => {
    const out = path.join(dir, "feedback.jsonl");
    const result = run("--format", "sft", "--since", "2026-01-01", "--out", out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("export sft: 100% (6 of 6 records)");
    expect(result.stdout).toContain(`Exported 6 sft records`);
    expect(result.stdout).toContain("decisions: approve 3, edit 3");
    expect(result.stdout).toContain("policy versions: v1 5, v2 1");
    const bytes = readFileSync(out);
    for (const example of jsonLines(bytes.toString("utf8"))) expect(chatFormatErrors(example)).toEqual([]);
    const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, "utf8"));
    expect(manifest.file).toMatchObject({
      name: "feedback.jsonl",
      records: 6,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    expect(manifest.filters).toMatchObject({ since: "2026-01-01" });
    expect(manifest.reproduce.cli).toContain("--since 2026-01-01");
  });

  it("repeats an export byte for byte from its --as-of", () => {
    const first = path.join(dir, "a.csv");
    const again = path.join(dir, "b.csv");
    expect(run("--format", "csv", "--redact", "--out", first).status).toBe(0);
    const { asOf } = JSON.parse(readFileSync(`${first}.manifest.json`, "utf8"));
    expect(run("--format", "csv", "--redact", "--as-of", asOf, "--out", again).status).toBe(0);
    expect(readFileSync(again).equals(readFileSync(first))).toBe(true);
  });
});

describe("npm run export options", () => {
  it("says what is wrong with the options, and exits 2", () => {
    for (const [args, message] of [
      [[], "--format is required: sft, dpo, trl or csv."],
      [["--format", "xml"], "--format must be one of sft, dpo, trl, csv."],
      [["--format", "sft", "--min-rating", "7"], "--min-rating must be a number from 1 to 5."],
      [["--format", "sft", "--since", "yesterday"], "--since must be a date like 2026-01-01"],
      [["--format", "sft", "--colour"], "Unknown option '--colour'"],
    ] as const) {
      const result = spawnSync(TSX, ["scripts/export.ts", ...args], {
        encoding: "utf8",
        // Options are checked before any database is opened: none is needed here.
        env: { ...process.env, DATABASE_URL: "", DATA_DIR: path.join(tmpdir(), "countersign-export-none") },
        timeout: 60_000,
      });
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("Usage: npm run export");
    }
    // Five CLI starts one after another: a loaded machine needs more than the default 30 s.
  }, 300_000);
});

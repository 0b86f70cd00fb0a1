import { count, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { draftRequests, importJobs, tickets, users } from "@/db/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { createImportJob, getImportJob } from "./import-jobs";
import { runImportJob, sweepImportJobs } from "./run-import";

/** A CSV of `rows` tickets; the rows in `bad` (1-based) have a sender that is not an e-mail address. */
function ticketsCsv(prefix: string, rows: number, bad: number[] = []): string {
  const lines = ["externalId,subject,body,from,customerRef,channel"];
  for (let i = 1; i <= rows; i++) {
    const from = bad.includes(i) ? "not-an-email" : `buyer${i}@example.com`;
    lines.push(`${prefix}-${i},Order ${i},"Where is order ${i}?",${from},,email`);
  }
  return lines.join("\n");
}

describe.each(availableDrivers())("a CSV import run as a job on %s", (driver) => {
  let handle: TestDatabase;
  let userId: string;
  const drafted: string[] = [];
  const enqueueDrafts = async (ids: string[]) => {
    drafted.push(...ids);
  };

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    const [user] = await handle.db
      .insert(users)
      .values({ email: "importer@example.test", name: "Importer", passwordHash: "x", role: "admin" })
      .returning({ id: users.id });
    userId = user?.id ?? "";
  }, 60_000);

  afterAll(async () => {
    await handle?.destroy();
  });

  const ticketCount = async (prefix: string) =>
    (
      await handle.db
        .select({ n: count() })
        .from(tickets)
        .where(like(tickets.externalId, `${prefix}-%`))
    )[0]?.n;

  it("imports 1,000 rows in chunks, the progress advancing after each, and queues them for drafting", async () => {
    const csv = ticketsCsv("bulk", 1000);
    const id = await createImportJob(handle.db, {
      fileName: "bulk.csv",
      csv,
      total: 1000,
      createdBy: userId,
    });
    const seen: number[] = [];
    await runImportJob(handle.db, id, {
      enqueueDrafts,
      afterChunk: async () => {
        const job = await getImportJob(handle.db, id);
        seen.push(job?.processed ?? -1);
        expect(job?.status).toBe("running");
      },
    });
    expect(seen).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    const job = await getImportJob(handle.db, id);
    expect(job).toMatchObject({
      status: "done",
      total: 1000,
      processed: 1000,
      created: 1000,
      skipped: 0,
      failed: 0,
    });
    expect(job?.startedAt).not.toBeNull();
    expect(job?.finishedAt).not.toBeNull();
    expect(await ticketCount("bulk")).toBe(1000);
    expect(new Set(drafted).size).toBe(1000);
    // The uploaded file is not kept once imported.
    const [stored] = await handle.db
      .select({ csv: importJobs.csv })
      .from(importJobs)
      .where(eq(importJobs.id, id));
    expect(stored?.csv).toBeNull();
    // Each new ticket's drafting is owed in the database too (the draft sweep's guarantee).
    const [owed] = await handle.db.select({ n: count() }).from(draftRequests);
    expect(owed?.n).toBeGreaterThanOrEqual(1000);
  }, 120_000);

  it("resumes after a crash mid-way without storing or counting a row twice", async () => {
    const csv = ticketsCsv("crash", 350);
    const id = await createImportJob(handle.db, {
      fileName: "crash.csv",
      csv,
      total: 350,
      createdBy: userId,
    });
    await expect(
      runImportJob(handle.db, id, {
        chunkRows: 100,
        enqueueDrafts,
        afterChunk: (processed) => {
          if (processed === 200) throw new Error("worker died");
        },
      }),
    ).rejects.toThrow("worker died");
    expect(await getImportJob(handle.db, id)).toMatchObject({
      status: "running",
      processed: 200,
      created: 200,
    });
    // The retried job (or the sweep's) picks up where the last commit left off.
    await runImportJob(handle.db, id, { chunkRows: 100, enqueueDrafts });
    expect(await getImportJob(handle.db, id)).toMatchObject({
      status: "done",
      processed: 350,
      created: 350,
      skipped: 0,
      failed: 0,
    });
    expect(await ticketCount("crash")).toBe(350);
    // Running a finished import again does nothing.
    await runImportJob(handle.db, id, { enqueueDrafts });
    expect(await getImportJob(handle.db, id)).toMatchObject({ processed: 350, created: 350 });
  }, 60_000);

  it("reports bad rows with their line numbers and skips rows already imported", async () => {
    // Three of the rows were imported before.
    const first = await createImportJob(handle.db, {
      fileName: "some.csv",
      csv: ticketsCsv("mixed", 3),
      total: 3,
      createdBy: userId,
    });
    await runImportJob(handle.db, first, { enqueueDrafts });
    const id = await createImportJob(handle.db, {
      fileName: "mixed.csv",
      csv: ticketsCsv("mixed", 10, [5, 9]),
      total: 10,
      createdBy: userId,
    });
    await runImportJob(handle.db, id, { chunkRows: 4, enqueueDrafts });
    const job = await getImportJob(handle.db, id);
    expect(job).toMatchObject({ status: "done", processed: 10, created: 5, skipped: 3, failed: 2 });
    // Data row 5 is file line 6 (the header is line 1).
    expect(job?.errors.map((e) => e.line)).toEqual([6, 10]);
    expect(job?.errors[0]?.message).toMatch(/from/i);
  }, 60_000);

  it("the sweep sends imports accepted but never queued", async () => {
    const id = await createImportJob(handle.db, {
      fileName: "lost.csv",
      csv: ticketsCsv("lost", 2),
      total: 2,
      createdBy: userId,
    });
    const sent: string[] = [];
    await sweepImportJobs(handle.db, async (ids) => void sent.push(...ids), 0);
    expect(sent).toContain(id);
    await runImportJob(handle.db, id, { enqueueDrafts });
    sent.length = 0;
    await sweepImportJobs(handle.db, async (ids) => void sent.push(...ids), 0);
    expect(sent).not.toContain(id);
  }, 60_000);
});

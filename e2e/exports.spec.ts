import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { draftWithAgent, expect, type Page, test } from "./fixtures";

// Not used by any other spec: a newsletter request the offline agent answers with a reply.
const TICKET = "bitext-3006";

/** Drafts the ticket (or finds its draft) and approves the reply, so at least one SFT record exists. */
async function approveReply(page: Page): Promise<string> {
  await page.goto(`/tickets?q=${TICKET}`);
  await page.getByRole("row").nth(1).getByRole("link").click();
  await page.waitForURL(/\/tickets\/[0-9a-f-]{36}/);
  // The ticket page is rendered on the server: once its heading shows, its actions are there too.
  const subject = (await page.getByRole("heading", { level: 1 }).textContent())?.trim() ?? "";
  const approved = page.getByRole("article", { name: "Reply draft (approved)" });
  const pending = page.getByRole("article", { name: "Reply draft (pending review)" });
  if ((await approved.count()) === 0) {
    if ((await pending.count()) === 0) {
      await draftWithAgent(page);
    }
    await pending.getByRole("button", { name: "Approve" }).click();
  }
  await expect(approved).toBeVisible();
  return subject;
}

test.describe("admin", () => {
  test.use({ role: "admin" });

  test("sees the record count, downloads sft and its manifest matches the file", async ({ page }) => {
    const subject = await approveReply(page);

    await page.goto("/exports");
    await expect(page.getByRole("heading", { name: "Feedback datasets" })).toBeVisible();
    await expect(page.getByRole("radio", { name: /^SFT/ })).toBeChecked();
    const count = page.getByRole("status");
    await expect(count).toContainText(/[1-9][\d,]* records?/);
    const records = Number(
      ((await count.textContent()) ?? "").match(/([\d,]+) records?/)?.[1]?.replaceAll(",", ""),
    );

    const link = page.getByRole("link", { name: /^Download countersign-sft-\d{4}-\d\d-\d\d\.jsonl$/ });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^countersign-sft-\d{4}-\d\d-\d\d\.jsonl$/);
    const bytes = await readFile((await download.path()) ?? "");
    const lines = bytes.toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(records);
    const examples = lines.map(
      (line) => JSON.parse(line) as { messages: { role: string; content: string }[] },
    );
    for (const example of examples) {
      expect(example.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
      for (const m of example.messages) expect(m.content.length).toBeGreaterThan(0);
    }
    expect(examples.some((e) => e.messages[1]?.content.includes(`Subject: ${subject}`))).toBe(true);

    const manifestHref = await page.getByRole("link", { name: "Manifest (JSON)" }).getAttribute("href");
    const manifest = await (await page.request.get(manifestHref ?? "")).json();
    expect(manifest.file).toMatchObject({
      records,
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
  });

  test("a filter that matches nothing says so and offers no download", async ({ page }) => {
    await page.goto("/exports");
    await page.getByRole("radio", { name: /^DPO/ }).check();
    await page.getByLabel("Reviewed from").fill("2001-01-01");
    await page.getByLabel("Reviewed until (inclusive)").fill("2001-01-02");
    await expect(page.getByRole("status")).toContainText("0 records");
    await expect(page.getByRole("status")).toContainText("Nothing matches");
    await expect(page.getByRole("link", { name: /^Download/ })).toHaveCount(0);
  });

  test("filters that contradict each other get a message saying what to change", async ({ page }) => {
    await page.goto("/exports");
    await page.getByLabel("Reviewed from").fill("2026-02-01");
    await page.getByLabel("Reviewed until (inclusive)").fill("2026-01-01");
    await expect(
      page
        .getByRole("alert")
        .filter({ hasText: "until is before since: pick an end date after the start date." }),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: /^Download/ })).toHaveCount(0);
  });
});

test.describe("reviewer", () => {
  test.use({ role: "reviewer" });

  test("is not allowed on the exports page nor the exports API", async ({ page }) => {
    await page.goto("/exports");
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Exports" }),
    ).toHaveCount(0);
    for (const path of ["/api/v1/exports/sft", "/api/v1/exports/csv/count", "/api/v1/exports/dpo/manifest"]) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "forbidden:auth" } });
    }
  });
});

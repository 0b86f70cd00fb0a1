import { randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { expect, type Page, test } from "./fixtures";

// Runs beside other specs on the same server: every ticket and key here is this spec's own.
test.use({ role: "admin" });

/** Creates a key on the API keys page and reads it from the page, the one time it is shown. */
async function createKeyInBrowser(page: Page, name: string): Promise<string> {
  await page.goto("/api-keys");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("checkbox", { name: /^tickets:ingest/ }).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const field = page.getByLabel("New API key");
  await expect(field).toHaveValue(/^cs_\S{20,}$/);
  const key = await field.inputValue();
  const row = page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(key.slice(0, 10));
  await expect(row).not.toContainText(key); // listed by prefix only
  await expect(row).toContainText("never"); // not used yet
  return key;
}

async function postTicket(request: APIRequestContext, key: string, ticket: Record<string, unknown>) {
  return request.post("/api/v1/tickets", { headers: { Authorization: `Bearer ${key}` }, data: ticket });
}

test("an admin creates an API key, and a ticket posted with it reaches the review queue", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const externalId = `e2e-ingest-${randomUUID().slice(0, 8)}`;
  const key = await createKeyInBrowser(page, `helpdesk ${externalId}`);
  const subject = `My parcel has not arrived (${externalId})`;
  const ticket = {
    externalId,
    subject,
    body: "Hello, I ordered a desk lamp and the parcel has not arrived yet. Where is it?",
    from: "e2e.customer@example.com",
    channel: "web",
    metadata: { helpdesk: "e2e" },
  };

  const created = await postTicket(request, key, ticket);
  expect(created.status()).toBe(201);
  const { id, url } = (await created.json()) as { id: string; url: string };
  expect(url).toMatch(new RegExp(`^https?://[^/]+/tickets/${id}$`));
  // Idempotent: the same payload is the same ticket; another payload under the id is refused.
  const replay = await postTicket(request, key, ticket);
  expect(replay.status()).toBe(200);
  expect(((await replay.json()) as { id: string }).id).toBe(id);
  expect((await postTicket(request, key, { ...ticket, body: "Something else" })).status()).toBe(409);
  expect((await postTicket(request, "cs_wrong", ticket)).status()).toBe(401);
  // Through the real server too: a body over the limit, and one that is not JSON, are refused as such.
  const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
  const huge = await request.post("/api/v1/tickets", { headers, data: `"${"x".repeat(1_200_000)}"` });
  expect(huge.status()).toBe(413);
  const form = await request.post("/api/v1/tickets", {
    headers: { Authorization: `Bearer ${key}` },
    form: { externalId, subject, body: ticket.body, from: ticket.from, channel: ticket.channel },
  });
  expect(form.status()).toBe(415);

  // Drafting runs in the background: the ticket shows up in the queue once the agent has proposed.
  await expect(async () => {
    await page.goto("/queue");
    await page.getByLabel("Search the queue").fill(externalId);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("link", { name: subject })).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });

  const status = await request.get(`/api/v1/tickets/${id}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(status.status()).toBe(200);
  expect(await status.json()).toMatchObject({ id, externalId, status: "awaiting_review" });

  await page.goto("/api-keys");
  await expect(
    page
      .getByRole("table", { name: "API keys" })
      .getByRole("row")
      .filter({ hasText: `helpdesk ${externalId}` }),
  ).not.toContainText("never");
});

test("an admin edits an article, and the agent's next draft on a matching ticket cites and quotes it", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const run = randomUUID().slice(0, 8);
  const sentence = `You can follow every parcel on the live courier map in your account (note ${run}).`;

  await page.goto("/knowledge/tracking-your-order");
  await page.getByRole("link", { name: "Edit article" }).click();
  const body = page.getByLabel("Body (Markdown)");
  await body.fill(`${sentence}\n\n${await body.inputValue()}`);
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("region", { name: "Preview" })).toContainText(sentence);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/knowledge\/tracking-your-order$/);
  await expect(page.getByRole("article")).toContainText(sentence);
  const history = page.getByRole("region", { name: "History" });
  await expect(history.getByText(/^Revision \d+ · .* · Avery Admin/).first()).toBeVisible();
  await expect(history.getByText(/· original$/)).toBeVisible();

  // Search finds the new words, highlighted.
  await page.goto("/knowledge");
  await page.getByLabel("Search the knowledge base").fill(`courier map ${run}`);
  await page.getByRole("button", { name: "Search" }).click();
  const results = page.getByRole("list", { name: "Search results" });
  await expect(results.getByRole("link").first()).toHaveText("Tracking your order");
  await expect(results.locator("mark").first()).toBeVisible();

  const key = await createKeyInBrowser(page, `kb check ${run}`);
  const externalId = `e2e-kb-${run}`;
  const posted = await postTicket(request, key, {
    externalId,
    subject: `How do I track my order? (${run})`,
    body: "Hi, how can I track my order and see where my parcel is right now?",
    from: "e2e.tracker@example.com",
    channel: "email",
  });
  expect(posted.status()).toBe(201);
  const { id } = (await posted.json()) as { id: string };

  type Status = { actions: { kind: string; payload: { text?: string; citations?: { slug?: string }[] } }[] };
  await expect
    .poll(
      async () => {
        const response = await request.get(`/api/v1/tickets/${id}`, {
          headers: { Authorization: `Bearer ${key}` },
        });
        return ((await response.json()) as Status).actions.filter((a) => a.kind === "reply").length;
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(0);

  await page.goto(`/tickets/${id}`);
  const reply = page.getByRole("article", { name: "Reply draft (pending review)" });
  await expect(reply).toContainText(sentence);
  await expect(reply.getByRole("link", { name: "article: tracking-your-order" })).toBeVisible();
});

test("an admin previews a CSV with per-row errors and imports the valid rows once", async ({ page }) => {
  const run = randomUUID().slice(0, 8);
  const csv = [
    "externalId,subject,body,from,customerRef,channel",
    `csv-${run}-1,Cancel my order (${run}),"Please cancel it, thanks.",csv.one@example.com,,email`,
    `csv-${run}-2,Bad sender (${run}),Hello,not-an-email,,chat`,
    `csv-${run}-3,Change my address (${run}),I moved last week.,csv.three@example.com,,`,
  ].join("\n");
  const upload = () =>
    page
      .getByLabel("CSV file")
      .setInputFiles({ name: "tickets.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });

  await page.goto("/tickets");
  await page.getByRole("link", { name: "Import CSV" }).click();
  await upload();
  await page.getByRole("button", { name: "Preview" }).click();
  const rows = page.getByRole("table", { name: "Rows in the file" });
  await expect(rows.getByRole("row").filter({ hasText: `csv-${run}-2` })).toContainText(
    "from must be an e-mail address",
  );
  await expect(rows.getByRole("row").filter({ hasText: `csv-${run}-1` })).toContainText("new");
  await page.getByRole("button", { name: "Import 2 valid rows" }).click();
  // The import runs in the background; its outcome names the invalid row by its line.
  await expect(page.getByRole("status")).toContainText(
    "Import finished: 2 created, 0 already imported (skipped), 1 failed.",
  );
  await expect(page.getByRole("listitem").filter({ hasText: "Line 3:" })).toContainText("from");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(rows.getByRole("row").filter({ hasText: `csv-${run}-3` })).toContainText("already imported");

  // Idempotent by external id: importing the same file again creates nothing.
  await page.getByRole("button", { name: "Import 2 valid rows" }).click();
  await expect(page.getByRole("status")).toContainText(
    "Import finished: 0 created, 2 already imported (skipped), 1 failed.",
  );
  await page.goto(`/tickets?q=csv-${run}-1`);
  await expect(page.getByRole("link", { name: `Cancel my order (${run})` })).toBeVisible();
});

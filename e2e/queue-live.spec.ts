import { draftWithAgent, expect, test } from "./fixtures";

test.use({ role: "reviewer" });

const TICKET = "bitext-3920";

test("the queue's counts and rows follow a new draft without a reload", async ({ page, context }) => {
  test.setTimeout(90_000);
  await page.goto(`/queue?q=${TICKET}`);
  const all = page.getByRole("button", { name: /^All actions \(\d+\)$/ });
  await expect(all).toHaveText("All actions (0)");
  await expect(page.getByText(`No actions waiting for review match “${TICKET}”.`)).toBeVisible();

  // Another tab has the agent draft the ticket; the queue tab is never reloaded.
  const drafter = await context.newPage();
  await drafter.goto(`/tickets?q=${TICKET}`);
  await drafter.getByRole("row").nth(1).getByRole("link").click();
  await draftWithAgent(drafter);
  const subject = (await drafter.getByRole("heading", { level: 1 }).textContent()) ?? "";
  await drafter.close();

  await expect(all).toHaveText(/^All actions \([1-9]\d*\)$/, { timeout: 20_000 });
  await expect(
    page.getByRole("table", { name: "Actions waiting for review" }).getByRole("link", { name: subject }),
  ).toBeVisible();
});

test("Tickets: a search with no match says so; external ids match by a part, in any case", async ({
  page,
}) => {
  await page.goto("/tickets?q=no-ticket-has-this-id");
  await expect(page.getByText("No tickets match “no-ticket-has-this-id”.")).toBeVisible();
  await expect(page.getByText("No tickets yet.")).toHaveCount(0);
  await page.goto("/tickets?q=ITEXT-450");
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("link", { name: /^All tickets \(\d+\)$/ })).toBeVisible();
});

import { expect, test } from "./fixtures";

// Runs after the other specs: it drafts every remaining new ticket.
test.use({ role: "reviewer" });

test("draft all new queues every new ticket and shows progress until done", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/tickets?status=new");
  await page.getByRole("button", { name: "Draft all new" }).click();
  // The embedded database runs one query at a time: queueing can wait behind the work of the specs
  // before (the dashboard's aggregates, drafts being written) on a busy machine.
  await expect(page.getByRole("status")).toContainText(/Queued \d+ tickets? for drafting/, {
    timeout: 30_000,
  });
  await expect(page.getByText("All queued tickets are drafted.")).toBeVisible({ timeout: 100_000 });
  // The counts beside the button followed without a reload, and the answer agrees with them.
  await expect(page.getByRole("link", { name: "New (0)" })).toBeVisible();
  await page.getByRole("button", { name: "Draft all new" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "There are no new tickets to draft" }),
  ).toBeVisible();
  await expect(page.getByRole("link", { name: "New (0)" })).toBeVisible();
  await page.goto("/tickets");
  await expect(page.getByRole("link", { name: "New (0)" })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Awaiting review \(\d+\)$/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /^All tickets \(\d+\)$/ })).toBeVisible();
});

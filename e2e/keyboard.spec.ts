import { expect, test } from "./fixtures";

// Runs alone (serial project): "n" claims the oldest action of the whole queue.
test.use({ role: "reviewer", stayAfterDecision: false });

test("a reviewer clears three actions with the keyboard only", async ({ page }) => {
  // Enter on a filter chip presses the chip (it does not open a row), and the view is in the address.
  await page.goto("/queue");
  await page.getByRole("button", { name: /^Replies/ }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/queue\?kind=reply$/);
  await page.reload();
  await expect(page.getByRole("button", { name: /^Replies/ })).toHaveAttribute("aria-pressed", "true");

  await page.goto("/queue?kind=reply&state=pending_review");
  const table = page.getByRole("table", { name: "Actions waiting for review" });
  await expect(table.getByRole("row").nth(1)).toBeVisible();
  await page.keyboard.press("Shift+Slash");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("Escape");
  // j/k move the selection and the focus with it, so a screen reader reads the row.
  await page.keyboard.press("j");
  await page.keyboard.press("k");
  await expect(table.getByRole("row").nth(1)).toHaveAttribute("aria-current", "true");
  await expect(table.getByRole("row").nth(1).getByRole("link")).toBeFocused();

  // 1: open the selected reply with Enter, approve with "a" (not while the shortcuts are open).
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]+\?action=/);
  const first = page.url();
  await expect(page.getByRole("button", { name: "Approve" }).first()).toBeEnabled();
  await page.keyboard.press("Shift+Slash");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("a");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("region", { name: "Proposed actions" })).not.toContainText("Approved by");
  await page.keyboard.press("a");
  // Approve lands on the next item of the queue, with a confirmation.
  await expect(page.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();
  await expect(page).not.toHaveURL(first);
  const second = page.url();
  await expect(page.getByLabel("Reason for rejecting")).toHaveCount(0);
  await page.keyboard.press("r");
  await expect(page.getByLabel("Reason for rejecting")).toBeFocused();
  await page.keyboard.type("Not what the customer asked");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Rejected" })).toBeVisible();
  await expect(page).not.toHaveURL(second);
  const third = page.url();
  await page.keyboard.press("x");
  await expect(page.getByLabel("Reason for escalating")).toBeFocused();
  await page.keyboard.type("Needs a specialist");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Escalated" })).toBeVisible();
  await expect(page).not.toHaveURL(third);

  // All three are stored.
  for (const [url, decided] of [
    [first, /Approved by Riley Reviewer/],
    [second, /Rejected by Riley Reviewer/],
    [third, /Escalated by Riley Reviewer/],
  ] as const) {
    await page.goto(url);
    await expect(page.getByRole("region", { name: "Proposed actions" })).toContainText(decided);
  }
});

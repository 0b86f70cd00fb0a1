import { draftWithAgent, expect, type Page, test } from "./fixtures";

// Runs alone (serial project): approving moves on to the oldest item of the whole queue.
test.use({ role: "reviewer" });
// One after another: each takes the oldest reply in the queue.
test.describe.configure({ mode: "default" });

/** Opens the oldest reply draft waiting in the queue; returns its ticket page's address. */
async function openPendingReply(page: Page): Promise<string> {
  await page.goto("/queue?kind=reply&state=pending_review");
  const table = page.getByRole("table", { name: "Actions waiting for review" });
  await table.getByRole("row").nth(1).getByRole("link").click();
  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]+\?action=/, { timeout: 15_000 });
  await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toBeVisible();
  return page.url();
}

test("decide with keys only after clicking a rating with the mouse", async ({ page }) => {
  await openPendingReply(page);
  const action = page.getByRole("article", { name: "Reply draft (pending review)" });
  await expect(action.getByText("keys act on this action")).toBeVisible();
  await action.getByRole("radio", { name: "4" }).click();
  await page.keyboard.press("5");
  await page.keyboard.press("t");
  await page.keyboard.press("a");
  await expect(page.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();
  await page.reload();
  const decided = page.getByRole("article", { name: "Reply draft (approved)" });
  await expect(decided).toContainText("rated 5/5");
  await expect(decided).toContainText("Tags: tone");
});

test.describe("moving on", () => {
  test.use({ stayAfterDecision: false });

  test("approve & next lands on the next item of the queue", async ({ page }) => {
    const first = await openPendingReply(page);
    await page.getByRole("button", { name: "Approve" }).first().click();
    await expect(page.getByRole("status").filter({ hasText: "Showing the next item" })).toBeVisible();
    await expect(page).not.toHaveURL(first);
    await page.reload();
    await expect(page.getByText("keys act on this action")).toBeVisible();
    await page.goto(first);
    await expect(page.getByRole("article", { name: "Reply draft (approved)" })).toBeVisible();
  });
});

test("undo within the window: the decision is gone and nothing reaches the outbox", async ({ page }) => {
  const ticket = await openPendingReply(page);
  await page.getByRole("button", { name: "Approve" }).first().click();
  const toast = page.getByRole("status").filter({ hasText: "Approved" });
  await toast.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Undone" })).toBeVisible();
  await page.goto(ticket);
  await page.reload();
  await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Deliveries" })).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Ticket history" })).toContainText("review.undo");
});

test("a redraft after a sent reply is a follow-up that cannot resend unnoticed", async ({ page }) => {
  await openPendingReply(page);
  await page.getByRole("button", { name: "Approve" }).first().click();
  await expect(page.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();
  await page.reload();
  await draftWithAgent(page);
  await page.reload();
  const followUp = page.getByRole("article", { name: "Reply draft (pending review)" });
  await expect(followUp.getByRole("region", { name: "Already sent" })).toContainText("already got a reply");
  await followUp.getByRole("button", { name: "Approve" }).click();
  await expect(followUp.getByRole("alert")).toContainText("Send as a follow-up");
  await page.reload();
  await expect(page.getByRole("region", { name: "Deliveries" }).getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toBeVisible();
});

test("the history shows the earlier run's rejected draft and its reason", async ({ page }) => {
  await openPendingReply(page);
  const action = page.getByRole("article", { name: "Reply draft (pending review)" });
  await action.getByRole("button", { name: "Reject" }).click();
  await action.getByLabel("Reason for rejecting").fill("Quotes the wrong delivery window");
  await action.getByRole("button", { name: "Confirm rejection" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Rejected" })).toBeVisible();
  await page.reload();
  await draftWithAgent(page);
  await page.reload();
  const history = page.getByRole("list", { name: "Ticket history" });
  await expect(history).toContainText("Agent run 2");
  const rejected = history
    .getByRole("listitem")
    .filter({ hasText: "Rejected reply draft by Riley Reviewer" });
  await expect(rejected).toContainText("Reason: Quotes the wrong delivery window");
});

test("over-length reasons get a message naming the limit, not the empty one", async ({ page }) => {
  await openPendingReply(page);
  const action = page.getByRole("article", { name: "Reply draft (pending review)" });
  await action.getByRole("button", { name: "Reject" }).click();
  await action.getByLabel("Reason for rejecting").fill("x".repeat(2001));
  await expect(action.getByText("The reason for rejecting is too long")).toBeVisible();
  await action.getByRole("button", { name: "Confirm rejection" }).click();
  await expect(action.getByRole("alert")).toContainText("too long: keep it under 2,000 characters");
  await expect(action.getByRole("alert")).not.toContainText("needs a reason");
  await page.reload();
  await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toBeVisible();
});

test("at 390 px wide nothing scrolls sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const ticket = await openPendingReply(page);
  for (const url of [ticket, "/queue", "/tickets", "/knowledge", "/metrics"]) {
    await page.goto(url);
    await page.reload();
    await expect(page.getByRole("main")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${url} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  }
});

test("hovering a draft sentence shows its source passage; an unsupported sentence is marked", async ({
  page,
}) => {
  await page.goto("/tickets?q=bitext-1961");
  await page.getByRole("row").nth(1).getByRole("link").click();
  await draftWithAgent(page);
  await page.reload();
  const action = page.getByRole("article", { name: "Reply draft (pending review)" });
  await action
    .getByRole("button", { name: "We deliver to addresses in the United States.", exact: true })
    .hover();
  const source = action.getByRole("complementary", { name: "Source" });
  await expect(source).toContainText("We deliver to addresses in the United States.");
  await source.getByRole("button").click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  // The same marks in the edit view: a sentence the reviewer adds has no source.
  await action.getByRole("button", { name: "Edit" }).click();
  await action.getByLabel("Edited reply").press("Control+End");
  await action.getByLabel("Edited reply").pressSequentially(" We will refund your shipping twice.");
  await expect(action.getByRole("region", { name: "Sentences without a source" })).toContainText(
    "We will refund your shipping twice.",
  );
});

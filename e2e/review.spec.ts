import { draftWithAgent, expect, type Page, test } from "./fixtures";

test.use({ role: "reviewer" });

/** Opens a ticket, has the agent draft it, and returns the proposed action's card. */
async function draft(page: Page, externalId: string, card = "Reply draft (pending review)") {
  await page.goto(`/tickets?q=${externalId}`);
  await page.getByRole("row").nth(1).getByRole("link").click();
  await draftWithAgent(page);
  const action = page.getByRole("article", { name: card });
  await expect(action).toBeVisible();
  return action;
}

test("approve a reply: decided, and delivered through the outbox", async ({ page }) => {
  const action = await draft(page, "bitext-4171");
  await action.getByRole("radio", { name: "5" }).check();
  await action.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("article", { name: "Reply draft (approved)" })).toBeVisible();
  await page.reload();
  const decided = page.getByRole("article", { name: "Reply draft (approved)" });
  await expect(decided).toContainText("Approved by Riley Reviewer");
  await expect(decided).toContainText("rated 5/5");
  // The delivery's state follows the outbox without a reload.
  await expect(
    page.getByRole("region", { name: "Deliveries" }).getByText("sent", { exact: true }),
  ).toBeVisible({
    timeout: 20_000,
  });
});

test("edit then approve: the live diff shows the change and the edited text is stored", async ({ page }) => {
  const action = await draft(page, "bitext-4143");
  await action.getByRole("button", { name: "Edit" }).click();
  const editor = action.getByLabel("Edited reply");
  await editor.fill("Hi there,\n\nYour order is on its way and should arrive on Friday.\n\nBest regards");
  const diff = action.getByRole("region", { name: "Changes against the agent's draft" });
  await expect(diff.locator("ins").filter({ hasText: "Friday" })).toBeVisible();
  await expect(diff.locator("del").filter({ hasText: "Countersign" }).first()).toBeVisible();
  await action.getByRole("checkbox", { name: "Tone" }).check();
  await action.getByRole("button", { name: "Approve edited reply" }).click();
  await expect(page.getByRole("article", { name: "Reply draft (approved)" })).toBeVisible();
  await page.reload();
  const decided = page.getByRole("article", { name: "Reply draft (approved)" });
  await expect(decided).toContainText("Edited and approved by Riley Reviewer");
  await expect(decided).toContainText("Your order is on its way and should arrive on Friday.");
  await expect(decided).toContainText("Tags: tone");
  await expect(decided).toContainText(/edit distance 0\.\d\d/);
});

test("escalate to a team with a reason and a note", async ({ page }) => {
  const action = await draft(page, "bitext-4159");
  await action.getByRole("button", { name: "Escalate" }).click();
  await action.getByLabel("Team", { exact: true }).selectOption("billing");
  await action.getByLabel("Reason for escalating").fill("Customer mentions a duplicate charge");
  await action.getByLabel("Note for the team").fill("Check the card statement");
  await action.getByRole("button", { name: "Confirm escalation" }).click();
  await expect(page.getByRole("article", { name: "Reply draft (escalated)" })).toBeVisible();
  await page.reload();
  const decided = page.getByRole("article", { name: "Reply draft (escalated)" });
  await expect(decided).toContainText("Escalated by Riley Reviewer");
  await expect(decided).toContainText("Escalated to billing: Check the card statement");
  await expect(page.getByRole("region", { name: "Deliveries" })).toContainText("Escalation");
});

test("reject needs a reason; with one it is stored", async ({ page }) => {
  const action = await draft(page, "bitext-4211");
  await action.getByRole("button", { name: "Reject" }).click();
  await action.getByRole("button", { name: "Confirm rejection" }).click();
  await expect(action.getByRole("alert")).toContainText("A rejection needs a reason");
  await action.getByLabel("Reason for rejecting").fill("Cites the wrong article");
  await action.getByRole("checkbox", { name: "Wrong policy" }).check();
  await action.getByRole("button", { name: "Confirm rejection" }).click();
  await expect(page.getByRole("article", { name: "Reply draft (rejected)" })).toBeVisible();
  await page.reload();
  const decided = page.getByRole("article", { name: "Reply draft (rejected)" });
  await expect(decided).toContainText("Rejected by Riley Reviewer");
  await expect(decided).toContainText("Reason: Cites the wrong article");
  await expect(decided).toContainText("Tags: wrong policy");
});

test("reject and send back: the agent drafts again with the reviewer's guidance", async ({ page }) => {
  const action = await draft(page, "bitext-4166");
  await action.getByRole("button", { name: "Reject" }).click();
  await action.getByLabel("Reason for rejecting").fill("Too vague about the delivery date");
  await action.getByRole("checkbox", { name: "Send back to the agent with guidance" }).check();
  await action.getByLabel("Guidance for the agent").fill("Give the delivery date from the order");
  await action.getByRole("button", { name: "Confirm rejection" }).click();
  // The redraft runs as a job: its chain carries the guidance, and a new draft waits for review.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("region", { name: "Decision chain" })).toContainText(
      "Reviewer guidance: “Give the delivery date from the order”",
    );
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Proposed actions" }).getByRole("article")).not.toHaveCount(
    0,
  );
});

test("a second reviewer losing the race sees who decided", async ({ page, browser }) => {
  // Two signed-in browsers and an agent run: more than the default 30 s on a loaded machine.
  test.setTimeout(90_000);
  await draft(page, "bitext-4240");
  const url = page.url();
  const admin = await browser.newContext({ storageState: ".e2e-data/admin.json" });
  const other = await admin.newPage();
  await other.goto(url);
  const theirs = other.getByRole("article", { name: "Reply draft (pending review)" });
  await expect(theirs.getByRole("button", { name: "Approve" })).toBeEnabled();

  await page
    .getByRole("article", { name: "Reply draft (pending review)" })
    .getByRole("button", { name: "Approve" })
    .click();
  await expect(page.getByRole("article", { name: "Reply draft (approved)" })).toBeVisible();

  await theirs.getByRole("button", { name: "Approve" }).click();
  await expect(theirs.getByRole("alert")).toContainText(
    "Riley Reviewer already decided this action (approve)",
  );
  await other.reload();
  await expect(other.getByRole("article", { name: "Reply draft (approved)" })).toContainText(
    "Approved by Riley Reviewer",
  );
  await admin.close();
});

test("opening a ticket claims nothing; Start review claims it until Release or leaving", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  const action = await draft(page, "bitext-3834");
  const url = page.url();
  const subject = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
  await expect(action.getByRole("button", { name: "Start review" })).toBeVisible();
  const admin = await browser.newContext({ storageState: ".e2e-data/admin.json" });
  const other = await admin.newPage();
  await other.goto(url);
  const theirs = other.getByRole("article", { name: "Reply draft (pending review)" });
  // Both only looked: nobody holds it.
  await expect(theirs.getByRole("button", { name: "Start review" })).toBeVisible();

  await action.getByRole("button", { name: "Start review" }).click();
  await expect(action.getByText(/^You are reviewing this until \d\d:\d\d UTC\.$/)).toBeVisible();
  await other.reload();
  await expect(theirs).toContainText("Being reviewed by Riley Reviewer");
  await expect(theirs.getByRole("button", { name: "Start review" })).toHaveCount(0);
  // The reviewer's Mine view lists it (in a second tab, so the ticket stays open in the first).
  const queue = await page.context().newPage();
  await queue.goto("/queue?mine=1");
  await expect(queue.getByRole("button", { name: /^Mine \([1-9]\d*\)$/ })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(
    queue.getByRole("table", { name: "Actions waiting for review" }).getByRole("link", { name: subject }),
  ).toBeVisible();
  await queue.close();

  await action.getByRole("button", { name: "Release" }).click();
  await expect(action.getByRole("button", { name: "Start review" })).toBeVisible();
  await other.reload();
  await expect(theirs.getByRole("button", { name: "Start review" })).toBeVisible();

  // Leaving the ticket gives the claim back too.
  await action.getByRole("button", { name: "Start review" }).click();
  await expect(action.getByRole("button", { name: "Release" })).toBeVisible();
  await other.reload();
  await expect(theirs).toContainText("Being reviewed by Riley Reviewer");
  await page.getByRole("link", { name: "Queue" }).first().click();
  await expect(page).toHaveURL(/\/queue$/);
  await expect(async () => {
    await other.reload();
    await expect(theirs.getByRole("button", { name: "Start review" })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await admin.close();
});

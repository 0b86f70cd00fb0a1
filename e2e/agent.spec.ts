import { draftWithAgent, expect, type Page, test } from "./fixtures";

test.use({ role: "reviewer" });

async function openTicket(page: Page, externalId: string) {
  await page.goto(`/tickets?q=${externalId}`);
  await page.getByRole("row").nth(1).getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Customer" })).toBeVisible();
}

test("a reviewer drafts a ticket and sees its decision chain", async ({ page }) => {
  await openTicket(page, "bitext-4182");
  await draftWithAgent(page);
  await expect(page.getByRole("status")).toContainText(/The agent proposed 1 action for review/);

  const reply = page.getByRole("article", { name: "Reply draft (pending review)" });
  await expect(reply).toContainText("Offline-model draft");
  await expect(reply).toContainText("ORD-293746");
  await expect(reply.getByRole("link", { name: /^article: / }).first()).toBeVisible();

  const chain = page.getByRole("region", { name: "Decision chain" });
  await expect(chain.getByText("offline model")).toBeVisible();
  const step = (name: string) =>
    chain.getByRole("listitem").filter({ has: page.getByText(name, { exact: true }) });
  await expect(step("search_knowledge_base")).toHaveCount(1);
  await expect(step("citations_valid").getByLabel("passed")).toBeVisible();

  // Stored, not just shown: the chain is there after a reload, and the button offers a redraft.
  await page.reload();
  await expect(
    page.getByRole("region", { name: "Decision chain" }).getByRole("listitem").first(),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Redraft" })).toBeVisible();

  // A cited article opens.
  await page
    .getByRole("article", { name: "Reply draft (pending review)" })
    .getByRole("link", { name: /^article: / })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1 })).not.toBeEmpty();
});

test("a refund request shows the blocked refund and the rule that blocked it", async ({ page }) => {
  await openTicket(page, "bitext-2737");
  await draftWithAgent(page);
  const refund = page.getByRole("article", { name: "Refund (blocked)" });
  await expect(refund).toContainText("Blocked by rule no-payments");
  await expect(refund).toContainText("Do not handle payments");
  await expect(page.getByRole("article", { name: "Escalation (pending review)" })).toContainText("billing");
  const chain = page.getByRole("region", { name: "Decision chain" });
  await expect(chain.getByText(/Blocked issue_refund: Do not handle payments/)).toBeVisible();
});

test("a legal threat ends escalated to legal with the rule named", async ({ page }) => {
  await openTicket(page, "hand-legal-1");
  await draftWithAgent(page);
  const escalation = page.getByRole("article", { name: "Escalation (pending review)" });
  await expect(escalation).toContainText("Escalation to legal");
  await expect(escalation).toContainText("legal-escalate");
  await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toHaveCount(0);
  await expect(
    page
      .getByRole("region", { name: "Decision chain" })
      .getByText(/Always escalate legal issues requires escalation to legal/),
  ).toBeVisible();
});

test("a redraft carries the reviewer's guidance into the chain", async ({ page }) => {
  await openTicket(page, "bitext-4289");
  await draftWithAgent(page);
  await expect(page.getByRole("button", { name: "Redraft" })).toBeVisible();
  await page.getByLabel("Guidance for the agent (optional)").fill("Please escalate this to a colleague");
  await page.getByRole("button", { name: "Redraft" }).click();
  await expect(page.getByRole("region", { name: "Decision chain" })).toContainText(
    "Reviewer guidance: “Please escalate this to a colleague”",
  );
  await expect(page.getByRole("article", { name: "Escalation (pending review)" })).toContainText(
    "Reviewer guidance",
  );
});

import { draftWithAgent, expect, type Page, test } from "./fixtures";

test.use({ role: "reviewer" });

async function openTicket(page: Page, externalId: string) {
  await page.goto(`/tickets?q=${externalId}`);
  await page.getByRole("row").nth(1).getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Customer" })).toBeVisible();
}

test("a stolen card is escalated to security, with the triage step first in the chain", async ({ page }) => {
  await openTicket(page, "hand-security-1");
  await draftWithAgent(page);
  const escalation = page.getByRole("article", { name: "Escalation (pending review)" });
  await expect(escalation).toContainText("Escalation to security");
  await expect(escalation).toContainText("triage-security");
  await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toHaveCount(0);
  const chain = page.getByRole("region", { name: "Decision chain" });
  await expect(chain.getByRole("listitem").first()).toContainText("triage: security · card_security");
  await expect(
    chain.getByText(/Fraud and lost or stolen cards go to security requires escalation to security/),
  ).toBeVisible();
});

test("an out-of-scope question is escalated as out of scope, not drafted", async ({ page }) => {
  await openTicket(page, "hand-oos-1");
  await draftWithAgent(page);
  const escalation = page.getByRole("article", { name: "Escalation (pending review)" });
  await expect(escalation).toContainText("Out of scope");
  await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toHaveCount(0);
  await expect(
    page.getByRole("region", { name: "Decision chain" }).getByRole("listitem").first(),
  ).toContainText("triage: none · out_of_scope");
});

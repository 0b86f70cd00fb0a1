import { draftWithAgent, expect, test } from "./fixtures";

test.use({ role: "reviewer" });

test("an escalation's team, urgency and note are edited, checked against the policy, then approved", async ({
  page,
}) => {
  await page.goto("/tickets?q=hand-legal-3");
  await page.getByRole("row").nth(1).getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Customer" })).toBeVisible();
  await draftWithAgent(page);

  const escalation = page.getByRole("article", { name: "Escalation (pending review)" });
  await escalation.getByRole("button", { name: "Edit" }).click();
  const team = escalation.getByLabel("Team", { exact: true });
  await team.selectOption("support");
  await escalation.getByRole("button", { name: "Approve edited escalation" }).click();
  // The policy sends a legal threat to legal: refused next to the field, nothing decided.
  await expect(escalation.getByRole("alert")).toContainText(
    /sends this ticket to (.+ or )?legal.*, not support/,
  );
  await expect(team).toHaveAttribute("aria-invalid", "true");
  await expect(team).toHaveAccessibleDescription(/not support/);

  await team.selectOption("legal");
  await escalation.getByLabel("Urgency").selectOption("high");
  await escalation.getByLabel(/^Note for the team/).fill("Call the customer before Friday.");
  await escalation.getByRole("button", { name: "Approve edited escalation" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("article", { name: "Escalation (approved)" })).toContainText(
    "Sent to legal, urgency high: Call the customer before Friday.",
  );
});

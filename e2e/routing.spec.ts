import { expectNoSeriousA11yViolations } from "./axe";
import { draftWithAgent, expect, type Page, storageStateFor, test } from "./fixtures";

test.use({ role: "admin" });

/** The demo routes legal escalations to Legal (Lee Legal); everything else a standard customer sends stays in Frontline (Riley). */
const LEGAL_TICKET = "hand-legal-2";

async function queueAs(page: Page, search?: string) {
  await page.goto(search ? `/queue?q=${search}` : "/queue");
  await expect(page.getByRole("heading", { name: "Review queue" })).toBeVisible();
}

test("two reviewers in two groups each see only their group's queue", async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  // An admin drafts a legal threat: the agent proposes an escalation to legal.
  await page.goto(`/tickets?q=${LEGAL_TICKET}`);
  await page.getByRole("row").nth(1).getByRole("link").click();
  await draftWithAgent(page);
  await expect(page.getByRole("article", { name: "Escalation (pending review)" })).toContainText("legal");

  const lee = await browser.newContext({ storageState: storageStateFor("legal"), baseURL });
  const riley = await browser.newContext({ storageState: storageStateFor("reviewer"), baseURL });
  try {
    const leePage = await lee.newPage();
    await queueAs(leePage, LEGAL_TICKET);
    const queue = leePage.getByRole("table", { name: "Actions waiting for review" });
    const row = queue.getByRole("row").filter({ hasText: "Escalation → legal" });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole("cell", { name: "Legal", exact: true })).toBeVisible();
    // Lee's group holds legal escalations only: no replies at all.
    await queueAs(leePage);
    await expect(leePage.getByRole("button", { name: "Replies (0)" })).toBeVisible();

    const rileyPage = await riley.newPage();
    await queueAs(rileyPage, LEGAL_TICKET);
    await expect(
      rileyPage
        .getByRole("table", { name: "Actions waiting for review" })
        .or(rileyPage.getByText(`No actions waiting for review match “${LEGAL_TICKET}”.`)),
    ).toBeVisible();
    await expect(rileyPage.getByText("Escalation → legal")).toHaveCount(0);
    // Riley works Frontline: replies are there, each in that group.
    await queueAs(rileyPage);
    await expect(rileyPage.getByRole("button", { name: /^Replies \([1-9]\d*\)$/ })).toBeVisible();
    await rileyPage.getByRole("button", { name: /^Replies/ }).click();
    await expect(rileyPage.getByRole("cell", { name: "Frontline", exact: true }).first()).toBeVisible();
    await expect(rileyPage.getByRole("cell", { name: "Legal", exact: true })).toHaveCount(0);
  } finally {
    await lee.close();
    await riley.close();
  }

  // The admin sees every group and can narrow the queue to one.
  await queueAs(page);
  await page.getByLabel("Group").selectOption({ label: "Legal" });
  await expect(page).toHaveURL(/group=/);
  await expect(page.getByRole("row").filter({ hasText: "Escalation → legal" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "Frontline", exact: true })).toHaveCount(0);
});

test("the routing page lists the demo's groups and ordered rules, and is accessible", async ({ page }) => {
  // Two axe passes: on a busy machine each can take several seconds.
  test.setTimeout(90_000);
  await page.goto("/routing");
  await expect(page.getByRole("heading", { name: "Routing", level: 1 })).toBeVisible();
  for (const name of ["Frontline", "Legal", "Leads"])
    await expect(page.getByRole("region", { name: `Group ${name}` })).toBeVisible();
  const rules = page.getByRole("list", { name: "Routing rules in order" });
  await expect(rules.getByRole("listitem")).toHaveCount(2);
  await expect(rules.getByRole("listitem").first()).toContainText("1. Legal escalations");
  await expect(rules.getByRole("listitem").nth(1)).toContainText("2. VIP customers");
  await expectNoSeriousA11yViolations(page);

  // A rule with no condition is refused beside the conditions, nothing saved.
  const form = page.getByRole("form", { name: "New rule" });
  await form.getByLabel("Rule name").fill("Everything");
  await form.getByLabel("Send to group").selectOption({ label: "Leads" });
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByRole("alert")).toContainText("Choose at least one condition");
  await expect(rules.getByRole("listitem")).toHaveCount(2);
  await expectNoSeriousA11yViolations(page);
});

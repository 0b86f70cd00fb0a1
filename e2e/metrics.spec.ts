import { draftWithAgent, expect, type Page, test } from "./fixtures";

// Runs alone (serial project): it reads global figures, makes one review and reads them again.
test.use({ role: "reviewer" });

interface Headline {
  reviewedActions: number;
  agreedActions: number;
  reviewedReplies: number;
  edits: number;
  decisionQuality: number | null;
}

const utcToday = () => new Date().toISOString().slice(0, 10);

function figure(page: Page, name: string) {
  return page.getByRole("article", { name, exact: true }).getByTestId("figure-value");
}

async function headline(page: Page, day: string): Promise<Headline> {
  const response = await page.request.get(`/api/v1/metrics?from=${day}&to=${day}`);
  expect(response.status()).toBe(200);
  return (await response.json()).headline.current;
}

test("the demo history fills the last 30 days: figures, charts, rules, reasons, links to tickets", async ({
  page,
}) => {
  await page.goto("/metrics");
  await expect(page.getByRole("heading", { name: "Metrics", level: 1 })).toBeVisible();
  await expect(figure(page, "Decision quality")).toHaveText(/^\d+\.\d %$/);
  await expect(figure(page, "Agent runs")).not.toHaveText("0");
  await expect(page.getByRole("figure", { name: /^Rates by day/ })).toBeVisible();
  const rules = page.getByRole("table", { name: "Guardrail rules" });
  await expect(rules.getByRole("row", { name: /No data deletion/ })).toBeVisible();

  // A top reason links to exactly its tickets.
  const reasons = page.getByRole("region", { name: "Top reasons reviewers gave" });
  await reasons.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/tickets\?reason=/);
  await expect(page.getByRole("status")).toContainText("Tickets with a review tagged");
  await expect(page.getByRole("row").nth(1)).toBeVisible();

  // The cut by policy version draws bars per version.
  await page.goto("/metrics?groupBy=policy");
  await expect(page.getByRole("figure", { name: /^Rates by policy version/ })).toBeVisible();
});

test("approving a reply moves today's figures by exactly one review", async ({ page }) => {
  const day = utcToday();
  await page.goto("/metrics");
  await page.getByRole("navigation", { name: "Period" }).getByRole("link", { name: "Today" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${day}&to=${day}`));
  const shown = Number(((await figure(page, "Reviewed actions").textContent()) ?? "").replaceAll(",", ""));
  const before = await headline(page, day);
  expect(shown).toBe(before.reviewedActions);

  // A ticket the demo history leaves new, so the approval is a first reply, not a follow-up.
  await page.goto("/tickets?q=bitext-4202");
  await page.getByRole("row").nth(1).getByRole("link").click();
  await draftWithAgent(page);
  const action = page.getByRole("article", { name: "Reply draft (pending review)" });
  await action.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("article", { name: "Reply draft (approved)" })).toBeVisible();

  await page.goto(`/metrics?from=${day}&to=${day}`);
  await expect(figure(page, "Reviewed actions")).toHaveText(
    (before.reviewedActions + 1).toLocaleString("en-US"),
  );
  const after = await headline(page, day);
  // One more review, of a reply, agreeing with the agent; no edit.
  expect(after.reviewedActions).toBe(before.reviewedActions + 1);
  expect(after.agreedActions).toBe(before.agreedActions + 1);
  expect(after.reviewedReplies).toBe(before.reviewedReplies + 1);
  expect(after.edits).toBe(before.edits);
  expect(after.decisionQuality).toBe((before.agreedActions + 1) / (before.reviewedActions + 1));
  await expect(figure(page, "Decision quality")).toHaveText(
    `${(((before.agreedActions + 1) / (before.reviewedActions + 1)) * 100).toFixed(1)} %`,
  );
});

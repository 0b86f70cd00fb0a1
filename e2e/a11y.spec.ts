import { expectNoSeriousA11yViolations } from "./axe";
import { expect, test } from "./fixtures";

// Read-only visits: axe-core on every page, 0 serious or critical violations.
// Several pages and a full axe scan each: more than the default 30 s on a busy machine.
test.describe.configure({ timeout: 180_000 });

test.describe("a reviewer's pages", () => {
  test.use({ role: "reviewer" });

  test("queue, ticket, knowledge, metrics and the in-app 403/404", async ({ page }) => {
    await page.goto("/queue");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.goto("/queue?kind=reply&state=pending_review");
    await page
      .getByRole("table", { name: "Actions waiting for review" })
      .getByRole("row")
      .nth(1)
      .getByRole("link")
      .click();
    await expect(page.getByRole("region", { name: "Decision chain" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    for (const url of [
      "/knowledge",
      "/metrics",
      "/policies",
      "/tickets/00000000-0000-4000-8000-000000000000",
    ]) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      expect(await page.getByRole("main").count()).toBeLessThanOrEqual(1);
      await expectNoSeriousA11yViolations(page);
    }
  });
});

test.describe("an admin's pages", () => {
  test.use({ role: "admin" });

  test("exports, API keys, policies and a knowledge article", async ({ page }) => {
    for (const url of ["/exports", "/api-keys", "/policies", "/knowledge"]) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await expectNoSeriousA11yViolations(page);
    }
    await page.getByRole("main").getByRole("link").first().click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });
});

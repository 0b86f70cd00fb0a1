import { expectNoSeriousA11yViolations } from "./axe";
import { expect, test } from "./fixtures";

// Runs alone, after the other serial specs: it publishes a policy version every later run uses.
test.use({ role: "admin" });

test.describe("suggestions from reviewers' reasons", () => {
  test("an admin publishes a suggested rule after its dry-run", async ({ page }) => {
    await page.goto("/policies");
    const section = page.getByRole("region", { name: "Suggested changes" });
    await expect(section).toBeVisible();
    // The demo history's reasons give at least one rule change (a new escalation rule or a narrowed one).
    const suggestion = section
      .getByRole("article")
      .filter({ hasText: /New escalation rule|Narrow a rule/ })
      .first();
    await expect(suggestion).toBeVisible();
    const title = (await suggestion.getByRole("heading", { level: 3 }).textContent()) ?? "";
    // Dry-run over history, shown before anything is opened: the tickets whose escalation it changes.
    const dryRun = suggestion.getByRole("region", { name: `Dry-run of ${title}` });
    await expect(dryRun).toContainText(/Dry-run over \d+ decided runs/);
    await expect(
      dryRun
        .getByRole("listitem")
        .filter({ hasText: /would (no longer )?be escalated/ })
        .first(),
    ).toBeVisible();
    await expect(dryRun.getByRole("listitem").first().getByRole("link")).toHaveAttribute(
      "href",
      /^\/tickets\//,
    );
    await expectNoSeriousA11yViolations(page);

    const publishedHeading = page.getByRole("heading", { name: /^Published: version \d+/ });
    const before = Number((await publishedHeading.textContent())?.match(/version (\d+)/)?.[1]);
    await suggestion.getByRole("button", { name: `Open as draft: ${title}` }).click();
    await expect(page.getByRole("status").filter({ hasText: "holds the suggested change" })).toBeVisible();
    const draftHeading = page.getByRole("heading", { name: /^Draft: version \d+$/ });
    const version = Number((await draftHeading.textContent())?.match(/\d+/)?.[0]);
    expect(version).toBeGreaterThan(before);

    // The editor's own dry-run of the draft, over the same window as the suggestion's, agrees; then publish.
    await page.getByLabel("Decided runs to replay").fill("2000");
    await page.getByRole("button", { name: "Run dry-run" }).click();
    await expect(page.getByRole("region", { name: "Dry-run results" })).toContainText(
      /Newly escalated|No longer escalated/,
    );
    await page.getByRole("button", { name: `Publish version ${version}` }).click();
    await page.getByRole("button", { name: "Confirm publish" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: `Version ${version} is published` }),
      // Publishing re-renders the page, suggestions and their dry-run over 2,000 runs included.
    ).toBeVisible({ timeout: 20_000 });
    await expect(
      page.getByRole("heading", { name: new RegExp(`^Published: version ${version}\\b`) }),
    ).toBeVisible();
    // Published, the suggestion is part of the policy and no longer proposed.
    await expect(page.getByRole("article", { name: title })).toHaveCount(0);
  });
});

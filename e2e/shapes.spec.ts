import { draftWithAgent, expect, type Page, test } from "./fixtures";

// Runs alone, last: it publishes a policy version whose agent shape every later run uses.
// bitext-4304 (a track-order question) is drafted by no other spec.
const TICKET = "bitext-4304";

async function openTicket(page: Page, externalId: string) {
  await page.goto(`/tickets?q=${externalId}`);
  await page.getByRole("row").nth(1).getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Customer", exact: true })).toBeVisible();
}

test.describe("an admin", () => {
  test.use({ role: "admin" });

  test("switches a draft policy to the team shape, dry-runs and publishes it; the next chain nests the team", async ({
    page,
  }) => {
    test.setTimeout(90_000);

    await page.goto("/policies");
    const publishedHeading = page.getByRole("heading", { name: /^Published: version \d+/ });
    const before = Number((await publishedHeading.textContent())?.match(/version (\d+)/)?.[1]);
    await page.getByRole("button", { name: `Start a draft from version ${before}` }).click();
    const form = page.getByRole("form", { name: "Policy draft" });
    await form.getByLabel("Agent shape").selectOption("team");
    await form
      .getByLabel("Change note (optional, shown in the history)")
      .fill("A manager with three agents.");
    await form.getByRole("button", { name: "Save draft" }).click();
    await expect(form.getByRole("status")).toHaveText(/^Draft version \d+ saved\.$/);
    const version = Number(
      (await page.getByRole("heading", { name: /^Draft: version \d+$/ }).textContent())?.match(/\d+/)?.[0],
    );

    // The diff and the dry-run both name the change of shape.
    const diff = page.getByRole("region", { name: `Changes from version ${before} to version ${version}` });
    await expect(diff).toContainText("Agent shape: loop → team");
    await page.getByRole("button", { name: "Run dry-run" }).click();
    const results = page.getByRole("region", { name: "Dry-run results" });
    await expect(results.getByRole("region", { name: "Agent shape" })).toContainText(
      "Agent shape: loop → team.",
    );

    await page.getByRole("button", { name: `Publish version ${version}` }).click();
    await page.getByRole("button", { name: "Confirm publish" }).click();
    await expect(
      page.getByRole("heading", { name: new RegExp(`^Published: version ${version}\\b`) }),
      // Publishing re-renders the page, suggestions and their dry-run over 2,000 runs included.
    ).toBeVisible({ timeout: 20_000 });
    await expect(
      page.getByRole("region", { name: new RegExp(`^Published: version ${version}\\b`) }),
    ).toContainText("team: a manager delegates");

    // The next ticket runs as a team: the manager's group holds its three sub-agents, each with its totals.
    await openTicket(page, TICKET);
    await draftWithAgent(page);
    const chain = page.getByRole("region", { name: "Decision chain" });
    await expect(chain).toContainText(`policy v${version}`);
    const manager = chain.getByRole("group", { name: "Manager agent" });
    await expect(manager).toBeVisible();
    for (const agent of ["Analyst agent", "Writer agent", "Reviewer agent"]) {
      const sub = manager.getByRole("group", { name: agent });
      await expect(sub).toBeVisible();
      await expect(sub.locator(":scope > summary")).toContainText(/\d+ steps · \d+ tokens/);
    }
    // A sub-agent's group collapses by its summary.
    const analyst = manager.getByRole("group", { name: "Analyst agent" });
    await analyst.locator(":scope > summary").click();
    await expect(analyst.getByText(/^Looked up /).first()).toBeHidden();
    await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toBeVisible();
  });
});

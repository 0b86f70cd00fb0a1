import { expectNoSeriousA11yViolations } from "./axe";
import { draftWithAgent, expect, type Page, test } from "./fixtures";

// Runs alone, after the parallel specs: it publishes a policy version every later run uses.
// The keyword it adds appears in no ticket another spec relies on: only bitext-1199 ("I would
// like to make a reclamation") and bitext-1197 mention it, and both only ever get escalated.
const TICKET = "bitext-1199";
const KEYWORD = "reclamation";

async function openTicket(page: Page, externalId: string) {
  await page.goto(`/tickets?q=${externalId}`);
  await page.getByRole("row").nth(1).getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Customer", exact: true })).toBeVisible();
}

test.describe("an admin", () => {
  test.use({ role: "admin" });

  test("adds a keyword to a rule, dry-runs it against decided tickets, publishes it, and a redraft escalates", async ({
    page,
  }) => {
    test.setTimeout(90_000);

    // A decided run for the dry-run to replay: the agent replies, a person approves the reply.
    await openTicket(page, TICKET);
    await draftWithAgent(page);
    const draft = page.getByRole("article", { name: "Reply draft (pending review)" });
    // The demo history already sent this ticket a reply, so the new one goes out as a follow-up.
    await draft.getByRole("checkbox", { name: "Send as a follow-up" }).check();
    await draft.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("article", { name: "Reply draft (approved)" })).toBeVisible();

    // Edit the legal rule in a new draft and save it.
    await page.goto("/policies");
    const publishedHeading = page.getByRole("heading", { name: /^Published: version \d+/ });
    const before = Number((await publishedHeading.textContent())?.match(/version (\d+)/)?.[1]);
    await page.getByRole("button", { name: `Start a draft from version ${before}` }).click();
    const legal = page.getByRole("group", { name: /^Rule \d+: Always escalate legal issues$/ });
    await expect(legal).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    const keywords = legal.getByLabel("Keywords (one per line)");
    await keywords.fill(`${await keywords.inputValue()}\n${KEYWORD}`);
    const form = page.getByRole("form", { name: "Policy draft" });
    await form
      .getByLabel("Change note (optional, shown in the history)")
      .fill("Reclamations are legal claims.");
    await form.getByRole("button", { name: "Save draft" }).click();
    await expect(form.getByRole("status")).toHaveText(/^Draft version \d+ saved\.$/);
    const draftHeading = page.getByRole("heading", { name: /^Draft: version \d+$/ });
    const version = Number((await draftHeading.textContent())?.match(/\d+/)?.[0]);
    expect(version).toBeGreaterThan(before);

    // The diff against the published version shows the new keyword.
    const diff = page.getByRole("region", { name: `Changes from version ${before} to version ${version}` });
    await expect(diff.getByRole("row").filter({ hasText: "keywords" })).toContainText(`added: ${KEYWORD}`);

    // The dry-run lists the decided ticket the keyword would now escalate, against the reviewer's approval.
    await page.getByRole("button", { name: "Run dry-run" }).click();
    const results = page.getByRole("region", { name: "Dry-run results" });
    await expect(results).toContainText(/Replayed \d+ decided runs? .* in \d+ ms\./);
    // Runs are replayed newest first: the demo history may hold older decided runs of the same ticket.
    const change = results
      .getByRole("region", { name: "Changes by Always escalate legal issues" })
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: TICKET }) })
      .first();
    await expect(change).toContainText("Newly escalated");
    await expect(change).toContainText(`Would escalate to legal (matched “${KEYWORD}”).`);
    await expect(change).toContainText("approved the reply");
    await expect(change).toContainText("goes against the reviewer");

    // Publish, after confirming.
    await page.getByRole("button", { name: `Publish version ${version}` }).click();
    await page.getByRole("button", { name: "Confirm publish" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: `Version ${version} is published` }),
      // Publishing re-renders the page, suggestions and their dry-run over 2,000 runs included.
    ).toBeVisible({ timeout: 20_000 });
    await expect(
      page.getByRole("heading", { name: new RegExp(`^Published: version ${version}\\b`) }),
    ).toBeVisible();
    const history = page.getByRole("table", { name: "History" });
    await expect(history.getByRole("row").filter({ hasText: `Version ${version}` })).toContainText(
      /published.*Reclamations are legal claims\..*Avery Admin/,
    );
    await expect(history.getByRole("row").filter({ hasText: `Version ${before}` })).toContainText("retired");
    await expect(page.getByRole("button", { name: `Roll back to version ${before}` })).toBeVisible();

    // A redraft runs under the new version: the rule fires and names the keyword in the chain.
    await openTicket(page, TICKET);
    await page.getByRole("button", { name: "Redraft" }).click();
    await expect(page.getByRole("article", { name: "Escalation (pending review)" })).toContainText(
      "legal-escalate",
    );
    const chain = page.getByRole("region", { name: "Decision chain" });
    await expect(chain).toContainText(`policy v${version}`);
    await expect(
      chain.getByText(`Always escalate legal issues requires escalation to legal (matched “${KEYWORD}”)`),
    ).toBeVisible();

    // Per-rule figures sit with each published rule: the redraft's escalation counts.
    await page.goto("/policies");
    await expect(
      page.getByRole("listitem").filter({ hasText: "Always escalate legal issues" }),
    ).toContainText(
      /Fired in [1-9]\d* runs? · blocked \d+ actions? · forced [1-9]\d* escalations? · overridden \d+ of \d+ reviewed/,
    );
  });
});

test.describe("a reviewer", () => {
  test.use({ role: "reviewer" });

  test("sees no policy controls and is refused every policy write", async ({ page }) => {
    await page.goto("/tickets");
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Policies" }),
    ).toHaveCount(0);
    const response = await page.goto("/policies");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(page.getByRole("button", { name: /draft|publish|roll back/i })).toHaveCount(0);

    const id = "00000000-0000-4000-8000-000000000000";
    const writes: [string, string, unknown][] = [
      ["PUT", "/api/v1/policies/draft", { rules: [], instructions: "Anything." }],
      ["DELETE", "/api/v1/policies/draft", { draftId: id }],
      ["POST", "/api/v1/policies/draft/dry-run", { draftId: id }],
      ["POST", "/api/v1/policies/publish", { draftId: id }],
      ["POST", "/api/v1/policies/rollback", { versionId: id }],
    ];
    for (const [method, path, data] of writes) {
      const refused = await page.request.fetch(path, { method, data });
      expect(refused.status(), `${method} ${path}`).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: "forbidden:auth" } });
    }
  });
});

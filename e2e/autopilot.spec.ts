import { randomUUID } from "node:crypto";
import { draftWithAgent, expect, test } from "./fixtures";

// Runs alone (serial project), before the specs that publish a policy: promotions belong to the
// published version the demo history was reviewed under, and change what later drafts of the category do.
test.use({ role: "admin" });

test("an admin promotes an eligible category and its next reply is approved by autopilot", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Autopilot" }).click();
  await expect(page.getByRole("heading", { name: "Autopilot", level: 1 })).toBeVisible();
  // The demo history makes order-tracking replies eligible.
  const row = page
    .getByRole("table", { name: "Categories" })
    .getByRole("row", { name: /^Track order reply/ });
  await expect(row.getByText("Eligible")).toBeVisible();
  await row.getByRole("button", { name: "Promote Track order reply" }).click();
  await expect(row.getByText("On autopilot")).toBeVisible();
  await expect(row.getByRole("button", { name: "Demote Track order reply" })).toBeVisible();

  // A new order-tracking ticket, imported.
  const run = randomUUID().slice(0, 8);
  const subject = `How do I track my order? (${run})`;
  const csv = [
    "externalId,subject,body,from,customerRef,channel",
    `autopilot-${run},${subject},Hi - how can I track my order and see where my parcel is right now?,autopilot.${run}@example.com,,email`,
  ].join("\n");
  await page.goto("/tickets/import");
  await page
    .getByLabel("CSV file")
    .setInputFiles({ name: "tickets.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("button", { name: "Import 1 valid row" }).click();
  await expect(page.getByRole("status")).toContainText("Import finished: 1 created", { timeout: 30_000 });
  await page.goto(`/tickets?q=autopilot-${run}`);
  await page.getByRole("link", { name: subject }).click();
  await expect(page.getByRole("heading", { name: subject, level: 1 })).toBeVisible();

  // The import queues the ticket for drafting: wait for the agent's reply.
  const reply = page.getByRole("article", { name: /^Reply draft/ });
  await expect(async () => {
    await page.reload();
    await expect(reply).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 90_000 });

  // A tenth of the category's actions still go to people, drawn from the action's id: drafting
  // again (a new action, a new draw) until the autopilot approves one.
  const history = page.getByRole("list", { name: "Ticket history" });
  for (let attempt = 0; attempt < 5; attempt++) {
    if ((await history.getByText("Approved by autopilot").count()) > 0) break;
    await expect(page.getByRole("article", { name: "Reply draft (pending review)" })).toBeVisible();
    await draftWithAgent(page);
  }
  await expect(history.getByText("Approved by autopilot")).toBeVisible();
  await expect(history.getByText(/Reply to the customer/)).toBeVisible();

  // Demoted again, so later drafts of the category go to people.
  await page.goto("/autopilot");
  await row.getByRole("button", { name: "Demote Track order reply" }).click();
  await expect(row.getByRole("button", { name: "Promote Track order reply" })).toBeVisible();
});

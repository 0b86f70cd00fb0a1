import { randomUUID } from "node:crypto";
import { expectNoSeriousA11yViolations } from "./axe";
import { expect, test } from "./fixtures";

test.use({ role: "admin" });

test("a CSV of more than a hundred rows imports in the background with a progress bar to 100 %", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const run = randomUUID().slice(0, 8);
  // Two chunks of the job (100 rows each); every imported ticket is then drafted in the background,
  // on the one embedded database the parallel specs share, so the file stays small.
  const rows = 120;
  const lines = ["externalId,subject,body,from,customerRef,channel"];
  for (let i = 1; i <= rows; i++)
    lines.push(
      `bulk-${run}-${i},Order ${i} (${run}),"Where is order ${i}, please?",buyer${i}@example.com,,email`,
    );

  await page.goto("/tickets/import");
  await page
    .getByLabel("CSV file")
    .setInputFiles({ name: `bulk-${run}.csv`, mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("button", { name: `Import ${rows} valid rows` }).click();

  // The embedded database runs one query at a time: accepting the upload can wait behind drafting.
  const bar = page.getByRole("progressbar", { name: "Import progress" });
  await expect(bar).toBeVisible({ timeout: 30_000 });
  await expect(bar).toHaveAttribute("max", String(rows));
  await expect(bar).toHaveAttribute("value", String(rows), { timeout: 90_000 });
  await expect(page.getByText(`${rows} of ${rows} rows`)).toBeVisible();
  await expect(page.getByRole("status")).toContainText(
    `Import finished: ${rows} created, 0 already imported (skipped), 0 failed.`,
  );
  const recent = page.getByRole("region", { name: "Recent imports" });
  await expect(recent.getByRole("row").filter({ hasText: `bulk-${run}.csv` })).toContainText("done", {
    timeout: 30_000,
  });
  await expectNoSeriousA11yViolations(page);

  // The import is listed with its outcome after the page is left and opened again.
  await page.reload();
  await expect(
    page
      .getByRole("region", { name: "Recent imports" })
      .getByRole("row")
      .filter({ hasText: `bulk-${run}.csv` }),
  ).toContainText(`${rows} of ${rows}`);
});

test("an export shows a preview of its first records", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/exports");
  await page.getByRole("radio", { name: /^CSV/ }).check();
  const preview = page.getByRole("region", { name: "Preview: the first records of the file" });
  await expect(
    preview.getByRole("list", { name: "Preview records" }).getByRole("listitem").first(),
  ).toBeVisible({ timeout: 30_000 });
  await expectNoSeriousA11yViolations(page);
});

import { expectNoSeriousA11yViolations } from "./axe";
import { expect, test } from "./fixtures";

// Runs last and alone (serial project): it decides drafts of the shared queue. The demo adds 24
// similar pending order-tracking drafts (wismo-001 …), the newest in the queue, so the largest
// batch is theirs.
test.use({ role: "reviewer" });

test("a reviewer approves drafts of the largest batch with the keys, and they leave the queue", async ({
  page,
}) => {
  // Two axe passes and a batch page of 20-odd drafts on an embedded database under load.
  test.setTimeout(180_000);
  await page.goto("/queue");
  await page.getByRole("link", { name: "Batches of similar drafts" }).click();
  await expect(page.getByRole("heading", { name: "Batches", level: 1 })).toBeVisible();
  const largest = page.getByRole("table", { name: "Batches of similar drafts" }).getByRole("link").first();
  await expect(largest).toHaveAccessibleName(/^Review track order batch \(\d+ drafts\)$/);
  const size = Number((await largest.textContent())?.match(/\((\d+) drafts\)/)?.[1]);
  expect(size).toBeGreaterThanOrEqual(20);
  await expectNoSeriousA11yViolations(page);

  await largest.click();
  await expect(page.getByRole("heading", { name: "Batch: track order", level: 1 })).toBeVisible();
  await expect(page.getByText(`${size} drafts waiting · 0 selected`)).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // The newest three: down to the last draft, then x, k, Space, k, x.
  for (let i = 0; i < size - 1; i++) await page.keyboard.press("j");
  const current = page.getByRole("listitem").and(page.locator("[aria-current='true']"));
  await expect(current).toContainText(`Select draft ${size}:`);
  await page.keyboard.press("x");
  await page.keyboard.press("k");
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("x");
  await expect(page.getByText(`${size} drafts waiting · 3 selected`)).toBeVisible();
  const picked = page.getByRole("checkbox", { checked: true });
  await expect(picked).toHaveCount(3);
  const names = await Promise.all(
    (await picked.all()).map(async (box) => (await box.getAttribute("id")) ?? ""),
  );
  const externalIds = await Promise.all(
    names.map(async (id) => {
      const label = (await page.locator(`label[for="${id}"]`).textContent()) ?? "";
      return label.match(/\(([^()]+)\)$/)?.[1] ?? "";
    }),
  );
  expect(externalIds.every(Boolean)).toBe(true);

  await page.keyboard.press("a");
  await expect(page.getByRole("status").filter({ hasText: /^3 approved\./ })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByText(`${size - 3} drafts waiting · 0 selected`)).toBeVisible();

  // The queue no longer shows them, and the batch is three drafts smaller.
  for (const externalId of externalIds) {
    await page.goto(`/queue?q=${encodeURIComponent(externalId)}&kind=reply`);
    await expect(page.getByText(`No actions waiting for review match “${externalId}”.`)).toBeVisible();
  }
  await page.goto("/queue/batches");
  await expect(
    page
      .getByRole("table", { name: "Batches of similar drafts" })
      .getByRole("link", { name: `Review track order batch (${size - 3} drafts)` }),
  ).toBeVisible();
});

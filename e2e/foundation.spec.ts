import { ACCOUNTS, DEMO_PASSWORD, expect, signIn, test } from "./fixtures";

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a wrong password shows the error and keeps the visitor on sign-in", async ({ page }) => {
    await signIn(page, ACCOUNTS.reviewer, "not-the-password");
    await expect(page.getByRole("alert").filter({ hasText: "Wrong e-mail or password" })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test("an anonymous visitor is sent to sign-in, then back where they were going", async ({ page }) => {
    await page.goto("/tickets?status=new");
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
    await page.getByLabel("E-mail").fill(ACCOUNTS.reviewer);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/tickets\?status=new/);
  });

  test("health is public; an API call without a session gets 401 JSON", async ({ request }) => {
    const health = await request.get("/api/health");
    expect(await health.json()).toMatchObject({ status: "ok", database: "pglite", model: "offline" });
    const denied = await request.get("/api/v1/policies");
    expect(denied.status()).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { code: "unauthorized:auth" } });
  });
});

test.describe("reviewer", () => {
  test.use({ role: "reviewer" });

  test("sees the ticket list with statuses, customers and pages", async ({ page }) => {
    await page.goto("/tickets");
    await expect(page.getByRole("banner")).toContainText("Riley Reviewer (reviewer)");
    const rows = page.getByRole("row");
    await expect(rows).toHaveCount(26); // header + a page of 25
    await page.getByRole("link", { name: /^New \(\d+\)$/ }).click();
    await expect(page).toHaveURL(/status=new/);
    await page.getByRole("link", { name: "Next page" }).click();
    await expect(page.getByRole("link", { name: "First page" })).toBeVisible();
    await expect(page.getByRole("row")).not.toHaveCount(1);
  });

  test("has no admin navigation and is refused an admin page", async ({ page }) => {
    await page.goto("/tickets");
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Policies" }),
    ).toHaveCount(0);
    const response = await page.goto("/policies");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    const api = await page.request.get("/api/v1/policies");
    expect(api.status()).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: "forbidden:auth" } });
  });

  test("the ticket page shows the customer and their orders", async ({ page }) => {
    await page.goto("/tickets");
    await page.getByRole("row").nth(1).getByRole("link").click();
    await expect(page.getByRole("heading", { name: "Customer" })).toBeVisible();
    const orders = page.getByRole("table", { name: "Orders" });
    await expect(orders.getByRole("row").nth(1)).toContainText(/ORD-\d{6}/);
  });

  test("signs out, and the old session cookie no longer works", async ({ browser }) => {
    // A session of its own: signing out ends it, and the shared one must live on for other tests.
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await signIn(page, ACCOUNTS.reviewer, DEMO_PASSWORD);
    await expect(page.getByRole("heading", { name: "Review queue" })).toBeVisible();
    const cookies = await context.cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/tickets");
    await expect(page).toHaveURL(/\/login/);
    // Replaying the cookie from before signing out: the API refuses it.
    await context.addCookies(cookies);
    const replay = await page.request.get("/api/v1/queue");
    expect(replay.status()).toBe(401);
    await context.close();
  });
});

test.describe("admin", () => {
  test.use({ role: "admin" });

  test("sees the admin navigation and the published policy", async ({ page }) => {
    await page.goto("/tickets");
    await expect(page.getByRole("banner")).toContainText("Avery Admin (admin)");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Policies" }).click();
    await expect(page.getByRole("heading", { name: /Published: version 1/ })).toBeVisible({
      timeout: 15_000,
    });
    await expect(page.getByText("Always escalate legal issues")).toBeVisible();
  });
});

import { test as base, expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "countersign-demo";
export const ACCOUNTS = {
  reviewer: "reviewer@example.com",
  admin: "admin@example.com",
  /** Lee Legal, a reviewer in the demo's Legal group (routing). */
  legal: "legal@example.com",
} as const;
export type Role = keyof typeof ACCOUNTS;

export const storageStateFor = (role: Role) => `.e2e-data/${role}.json`;

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Presses "Draft with agent" (or "Redraft") and waits until the agent has finished, so the page shows the new run. */
export async function draftWithAgent(page: Page) {
  await page.getByRole("button", { name: /^(Draft with agent|Redraft)$/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "The agent proposed" })).toBeVisible({
    timeout: 30_000,
  });
}

/** A page already signed in as the given role. */
export const test = base.extend<{ role: Role; stayAfterDecision: boolean }>({
  role: ["reviewer", { option: true }],
  // Specs about one decision stay on its ticket (the reviewer's "Stay on this ticket"); flow specs move on.
  stayAfterDecision: [true, { option: true }],
  storageState: async ({ role }, use) => {
    await use(storageStateFor(role));
  },
  page: async ({ page, stayAfterDecision }, use) => {
    await page.addInitScript((stay) => {
      localStorage.setItem("countersign.stayAfterDecision", stay ? "1" : "0");
    }, stayAfterDecision);
    await use(page);
  },
});

export { expect, type Page } from "@playwright/test";

import { expect, test as setup } from "@playwright/test";
import { ACCOUNTS, DEMO_PASSWORD, type Role, signIn, storageStateFor } from "./fixtures";

for (const role of Object.keys(ACCOUNTS) as Role[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await signIn(page, ACCOUNTS[role], DEMO_PASSWORD);
    await expect(page.getByRole("heading", { name: "Review queue" })).toBeVisible();
    await page.context().storageState({ path: storageStateFor(role) });
  });
}

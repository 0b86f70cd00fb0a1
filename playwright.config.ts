import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = ".e2e-data";
const SERIAL = [
  "keyboard",
  "review-flow",
  "autopilot",
  "policies",
  "metrics",
  "bulk",
  "suggestions",
  "shapes",
  "batch",
];

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"] },
      dependencies: ["setup"],
      testIgnore: new RegExp(`(${SERIAL.join("|")})\\.spec\\.ts`),
    },
    // Specs that act on shared state (the whole queue, the published policy, global figures, every
    // new ticket) run alone, one after another, once the parallel ones are done.
    ...SERIAL.map((name, i) => ({
      name,
      use: { ...devices["Desktop Chrome"] },
      dependencies: [i === 0 ? "chromium" : (SERIAL[i - 1] as string)],
      testMatch: new RegExp(`${name}\\.spec\\.ts`),
    })),
  ],
  webServer: {
    // A production build on a fresh embedded database of its own.
    command: "tsx scripts/start.ts",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 600_000,
    stdout: "pipe",
    // No live second reviews: a sampled decision would send the other role's ticket page to its blind review.
    env: {
      PORT: String(PORT),
      DATA_DIR: `${E2E_DATA_DIR}/db`,
      DATABASE_URL: "",
      AUTH_SECRET: "",
      SECOND_REVIEW_SHARE: "0",
    },
  },
});

/**
 * `npm run measure:review`: a measurement, not a test. Against a running app
 * (BASE_URL, default http://127.0.0.1:3000, with the demo accounts), in
 * Chromium: the Largest Contentful Paint of the queue and of a ticket page, and
 * the time from a click on Approve to the next queue item on screen. Each is
 * measured 5 times; the median is printed. Approving changes data: point it at
 * a scratch database.
 */
import { chromium, type Page } from "@playwright/test";

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function lcpOf(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: "load" });
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries.at(-1)?.startTime ?? 0);
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
}

async function openOldestReply(page: Page): Promise<string> {
  await page.goto(`${BASE_URL}/queue?kind=reply&state=pending_review`);
  await page
    .getByRole("table", { name: "Actions waiting for review" })
    .getByRole("row")
    .nth(1)
    .getByRole("link")
    .click();
  await page.waitForURL(/\/tickets\/[0-9a-f-]+\?action=/);
  await page.getByText("keys act on this action").waitFor();
  return page.url();
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("E-mail").fill("reviewer@example.com");
  await page.getByLabel("Password").fill("countersign-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.evaluate(() => localStorage.setItem("countersign.stayAfterDecision", "0"));

  const queue: number[] = [];
  const ticket: number[] = [];
  const next: number[] = [];
  const ticketUrl = await openOldestReply(page);
  for (let i = 0; i < RUNS; i++) {
    queue.push(await lcpOf(page, `${BASE_URL}/queue`));
    ticket.push(await lcpOf(page, ticketUrl));
  }
  for (let i = 0; i < RUNS; i++) {
    const from = await openOldestReply(page);
    const started = performance.now();
    await page.getByRole("button", { name: "Approve" }).first().click();
    await page.waitForURL((url) => url.href !== from);
    await page.getByText("keys act on this action").waitFor();
    next.push(performance.now() - started);
  }
  await browser.close();
  const show = (label: string, values: number[]) =>
    console.log(
      `${label}: median ${Math.round(median(values))} ms (runs: ${values.map(Math.round).join(", ")})`,
    );
  show("LCP /queue", queue);
  show("LCP /tickets/[id]", ticket);
  show("Approve click to next item shown", next);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run check:http-spans`: serves the production build (`npm start` on a fresh embedded
 * database) with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector on loopback, makes a few
 * requests, and checks that each one arrived as an HTTP server span (Next's own request spans,
 * exported through the tracer provider lib/telemetry registers). Bounded; stops what it started.
 */
import { rmSync } from "node:fs";
import { bin, startProcess, stopProcess, waitForLine, waitUntil } from "@/scripts/bench/scale-cluster";
import { type ReceivedSpan, startOtlpReceiver } from "@/test/otlp-receiver";

const PORT = Number(process.env.SPANS_PORT ?? 3150);
const DATA_DIR = ".e2e-data/http-spans-db";
const REQUESTS = [
  { method: "GET", path: "/api/health" },
  { method: "GET", path: "/login" },
  { method: "GET", path: "/api/v1/queue" },
] as const;

const attribute = (span: ReceivedSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? String(value.intValue) : undefined);
};

async function main() {
  const receiver = await startOtlpReceiver();
  rmSync(DATA_DIR, { recursive: true, force: true });
  const app = startProcess("app", bin("tsx"), ["scripts/start.ts"], {
    ...process.env,
    PORT: String(PORT),
    DATA_DIR,
    DATABASE_URL: "",
    AUTH_SECRET: "",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "countersign-http-check",
  });
  try {
    await waitForLine(app, /Ready in|started server|Local:/i, 300_000);
    await waitUntil(
      "the app's health",
      async () => (await fetch(`http://127.0.0.1:${PORT}/api/health`)).ok,
      120_000,
    );
    for (const r of REQUESTS) {
      const response = await fetch(`http://127.0.0.1:${PORT}${r.path}`, {
        method: r.method,
        redirect: "manual",
      });
      console.log(`${r.method} ${r.path} -> ${response.status}`);
    }
    // Next's request span: named "<METHOD> <route>" once the route is known, with the status code.
    const serverSpanFor = (r: (typeof REQUESTS)[number]) =>
      receiver.spans.find(
        (s) =>
          attribute(s, "next.span_type") === "BaseServer.handleRequest" &&
          (attribute(s, "http.target") ?? s.name).includes(r.path) &&
          attribute(s, "http.method") === r.method,
      );
    // The batch processor exports every 5 s.
    await waitUntil(
      "an HTTP server span for every request",
      async () => REQUESTS.every((r) => serverSpanFor(r)),
      30_000,
    ).catch(() => undefined);
    const names = [...new Set(receiver.spans.map((s) => s.name))].sort();
    console.log(`${receiver.spans.length} spans received; names: ${names.join(", ")}`);
    let missing = 0;
    for (const r of REQUESTS) {
      const span = serverSpanFor(r);
      if (span) {
        console.log(
          `  ${r.method} ${r.path}: span "${span.name}" (route ${attribute(span, "http.route") ?? "?"}, trace ${span.traceId})`,
        );
      } else {
        missing++;
        console.log(`  ${r.method} ${r.path}: NO HTTP span`);
      }
    }
    process.exitCode = missing === 0 ? 0 : 1;
  } finally {
    await stopProcess(app);
    await receiver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

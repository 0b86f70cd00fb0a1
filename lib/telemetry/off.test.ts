import { trace } from "@opentelemetry/api";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tickets } from "@/db/schema";
import { ingestTicket } from "@/lib/ingest/ingest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { modelTelemetry } from "./genai";
import { currentTraceparent, tracingActive, withSpan } from "./spans";
import { startTracing } from "./start";

describe("tracing when OTEL_EXPORTER_OTLP_ENDPOINT is not set", () => {
  let handle: TestDatabase;

  beforeAll(async () => {
    stubEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined });
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await handle?.destroy();
    restoreEnv();
  });

  it("loads and registers no SDK, records nothing and stores no trace context", async () => {
    expect(await startTracing("countersign-test")).toBeNull();
    expect(tracingActive()).toBe(false);
    // No global tracer provider, propagator or context manager was registered.
    const api = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
      Symbol.for("opentelemetry.js.api.1")
    ];
    expect(api?.trace).toBeUndefined();
    expect(api?.propagation).toBeUndefined();
    expect(trace.getTracer("countersign").startSpan("probe").isRecording()).toBe(false);
    await withSpan("countersign.ingest", {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(currentTraceparent()).toBeNull();
    });
    expect(modelTelemetry("countersign.agent.plan").isEnabled).toBe(false);

    const outcome = await ingestTicket(
      handle.db,
      {
        externalId: "untraced-1",
        from: "casey@example.com",
        channel: "email",
        subject: "Hello",
        body: "Where is it?",
      },
      { kind: "user", id: "00000000-0000-0000-0000-000000000000" },
      "csv",
    );
    const [row] = await handle.db
      .select({ traceparent: tickets.traceparent })
      .from(tickets)
      .where(eq(tickets.id, outcome.id));
    expect(row?.traceparent).toBeNull();
  });

  it("costs next to nothing per span", async () => {
    const n = 50_000;
    const work = async () => 1;
    const time = async (run: () => Promise<unknown>) => {
      const started = performance.now();
      for (let i = 0; i < n; i++) await run();
      return ((performance.now() - started) * 1000) / n;
    };
    await time(work); // warm up
    const bare = await time(work);
    const spanned = await time(() => withSpan("countersign.tool.lookup_orders", {}, work));
    console.log(`per call with tracing off: ${spanned.toFixed(2)} µs in a span, ${bare.toFixed(2)} µs bare`);
    // Generous for a loaded machine: an agent run makes a few dozen spans and takes milliseconds.
    expect(spanned).toBeLessThan(bare + 5);
  });
});

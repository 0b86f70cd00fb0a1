import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreEnv, stubEnv } from "@/test/env";
import { type OtlpReceiver, startOtlpReceiver } from "@/test/otlp-receiver";
import { currentTraceparent, withSpan } from "./spans";
import { startTracing, type Tracing } from "./start";

describe("OTLP/HTTP protobuf, the default protocol", () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing | null;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stubEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20cGs6c2s=",
      OTEL_EXPORTER_OTLP_PROTOCOL: undefined,
    });
    tracing = await startTracing("countersign-test");
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await receiver?.close();
    restoreEnv();
  });

  it("exports spans as protobuf to <endpoint>/v1/traces", async () => {
    const traceparent = await withSpan("countersign.ingest", {}, async () => currentTraceparent());
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await tracing?.flush();
    const body = Buffer.concat(receiver.protobufBodies);
    // Protobuf keeps strings as UTF-8 and ids as raw bytes.
    expect(body.includes("countersign.ingest")).toBe(true);
    expect(body.includes("countersign-test")).toBe(true);
    expect(body.includes(Buffer.from(traceparent?.split("-")[1] ?? "", "hex"))).toBe(true);
  });
});

import { tracingConfig } from "./config";
import { markTracingActive } from "./spans";

export interface Tracing {
  /** Exports every finished span now (tests, and before a process exits). */
  flush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

const started = globalThis as unknown as { countersignTracingStart?: Promise<Tracing | null> };

/**
 * Starts exporting traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise loads nothing and
 * returns null. Registers the OpenTelemetry SDK as the global tracer provider
 * (Next's request spans and Countersign's own spans go to it) and the AI SDK's
 * OpenTelemetry integration (model calls and tool executions with the GenAI
 * semantic conventions). Once per process.
 */
export function startTracing(defaultServiceName: string): Promise<Tracing | null> {
  started.countersignTracingStart ??= load(defaultServiceName);
  return started.countersignTracingStart;
}

async function load(defaultServiceName: string): Promise<Tracing | null> {
  const config = tracingConfig(defaultServiceName);
  if (!config) return null;
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { resourceFromAttributes },
    { registerTelemetry },
    { OpenTelemetry },
  ] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/resources"),
    import("ai"),
    import("@ai-sdk/otel"),
  ]);
  const { OTLPTraceExporter } =
    config.protocol === "http/json"
      ? await import("@opentelemetry/exporter-trace-otlp-http")
      : await import("@opentelemetry/exporter-trace-otlp-proto");
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url, headers: config.headers })),
    ],
  });
  // Sets the global tracer provider, the W3C trace-context propagator and the async context manager.
  provider.register();
  registerTelemetry(new OpenTelemetry({ agentSpanName: "functionId" }));
  markTracingActive({ captureMessageContent: config.captureMessageContent });
  return { flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

import { env } from "@/lib/env";

/** Where and how spans are exported; null when tracing is off (no endpoint set, or OTEL_SDK_DISABLED=true). */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL (…/v1/traces). */
  url: string;
  protocol: "http/protobuf" | "http/json";
  headers: Record<string, string>;
  serviceName: string;
  /** Whether model calls record prompts and completions (customer text) on their spans. */
  captureMessageContent: boolean;
}

/**
 * Reads the standard OpenTelemetry variables: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as it is,
 * OTEL_EXPORTER_OTLP_ENDPOINT gets `/v1/traces` appended (as the OTLP exporter specification says).
 */
export function tracingConfig(defaultServiceName: string): TracingConfig | null {
  const e = env();
  if (e.OTEL_SDK_DISABLED === "true") return null;
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, "")}/v1/traces` : null);
  if (!url) return null;
  return {
    url,
    protocol: e.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: parseHeaders(e.OTEL_EXPORTER_OTLP_HEADERS ?? ""),
    serviceName: e.OTEL_SERVICE_NAME ?? defaultServiceName,
    captureMessageContent: e.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === "true",
  };
}

/** `key=value,key2=value2` with URL-encoded values (the format lib/env.ts validates). */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const at = pair.indexOf("=");
    if (at < 1) continue;
    headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

import {
  type Attributes,
  context,
  INVALID_SPAN_CONTEXT,
  type Link,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

export { SpanKind };

/**
 * Countersign's own spans. Only `@opentelemetry/api` is used here; until
 * lib/telemetry/start.ts has registered the SDK, `withSpan` only runs its
 * function, so tracing costs nothing when it is off.
 */
const tracer = trace.getTracer("countersign");

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /**
   * A stored W3C traceparent whose trace this work continues (a job, a decision, a delivery):
   * the span becomes its child, and links the span that is active here (the request or job).
   */
  traceparent?: string | null;
}

/** What `fn` gets while tracing is off: a span that records nothing. */
const idle = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Runs `fn` inside a span; a thrown error marks the span failed and is rethrown. Off: just runs `fn`. */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!tracingActive()) return fn(idle);
  const active = context.active();
  const parent = options.traceparent
    ? propagation.extract(active, { traceparent: options.traceparent })
    : active;
  const here = trace.getSpanContext(active);
  const links: Link[] =
    options.traceparent && here && trace.isSpanContextValid(here) ? [{ context: here }] : [];
  return tracer.startActiveSpan(
    name,
    { attributes: options.attributes, kind: options.kind, links },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        if (error instanceof Error) span.recordException(error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * The active span as a W3C traceparent, to store with a row whose work goes on
 * in another process (a ticket, an outbox row); null when tracing is off.
 */
export function currentTraceparent(): string | null {
  if (!tracingActive()) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

const tracingState = globalThis as unknown as { countersignTracing?: { captureMessageContent: boolean } };

/** Whether an SDK records spans in this process (so a lookup done only for tracing can be skipped). */
export function tracingActive(): boolean {
  return tracingState.countersignTracing !== undefined;
}

/** Whether model-call spans record prompts and completions (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT). */
export function capturesMessageContent(): boolean {
  return tracingState.countersignTracing?.captureMessageContent === true;
}

/** Set once lib/telemetry/start.ts has registered the SDK. */
export function markTracingActive(options: { captureMessageContent: boolean }): void {
  tracingState.countersignTracing = options;
}

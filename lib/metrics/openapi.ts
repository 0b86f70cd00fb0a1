import { errorResponse, type OpenApiSection } from "@/lib/openapi/section";

/** The monitoring API (scope `metrics:read`). */
export const metricsOpenApi: OpenApiSection = {
  requestSchemas: {},
  responseSchemas: {},
  paths: {
    "/api/v1/metrics": {
      get: {
        operationId: "getMetrics",
        tags: ["metrics"],
        summary: "Decision quality, coverage, escalation rate, cost, latency and hallucination rate",
        description:
          "The dashboard's figures for a period, with the previous period of the same length, cut by day, " +
          "policy version or model, plus per-rule figures, top reasons, failing checks and anomaly flags, " +
          "the period's runs cut by agent shape (`shapes`) and the team shape's reviewer agent against " +
          "people's decisions on the same replies (`reviewerAgent`). " +
          "`agreement` compares blind second reviews with the first decisions: `pairs`, `agreed`, `rate`, " +
          "`kappa` (Cohen's kappa; null when not defined: no pairs, or both reviewers used one class only), " +
          "`byCategory` (intent × action kind), `byReviewer` and `disagreements` (with `ticketHref`). " +
          "`reviewSla`: minutes from proposal to the first decision (`firstReviewP50Minutes`, `firstReviewP90Minutes`) " +
          "over people's decisions and system escalations, reviews decided within their SLA (`withSla`, `withinSla`, " +
          "`withinSlaShare`) and system escalations past a hard limit (`hardLimitEscalations`). " +
          "Rates with no denominator are null.",
        security: [{ apiKey: [] }, { session: [] }],
        parameters: [
          {
            name: "from",
            in: "query",
            description: "Start: a UTC day (2026-11-01) or an ISO date-time. Default: 30 days ago.",
            schema: { type: "string" },
          },
          {
            name: "to",
            in: "query",
            description: "End: a UTC day (inclusive) or an ISO date-time (exclusive). Default: now.",
            schema: { type: "string" },
          },
          {
            name: "groupBy",
            in: "query",
            description: "How to cut the series.",
            schema: { type: "string", enum: ["day", "policy", "model"], default: "day" },
          },
        ],
        responses: {
          "200": {
            description: "The metrics report.",
            content: { "application/json": { schema: { type: "object" } } },
          },
          "400": errorResponse("A parameter is not valid; the message says which and how to fix it."),
          "401": errorResponse("No session and no API key, or an unknown key."),
          "403": errorResponse("The key lacks the `metrics:read` scope, or it is revoked."),
        },
      },
    },
  },
};

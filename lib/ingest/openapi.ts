import {
  errorResponse,
  jsonResponse,
  type OpenApiSection,
  RETRY_AFTER_HEADER,
  schemaRef,
} from "@/lib/openapi/section";
import {
  batchResultSchema,
  errorResponseSchema,
  INGEST_LIMITS,
  ticketBatchInputSchema,
  ticketInputSchema,
  ticketRefSchema,
  ticketStatusSchema,
} from "./schemas";

const KEY_ERRORS = {
  "401": errorResponse("No API key, or an unknown one."),
  "403": errorResponse("The key is revoked or lacks the `tickets:ingest` scope."),
  "429": jsonResponse(
    "Error",
    "Too many requests for this key; retry after `Retry-After` seconds.",
    RETRY_AFTER_HEADER,
  ),
};

const BODY_ERRORS = {
  "413": errorResponse("The body is larger than the limit; nothing was read or stored."),
  "415": errorResponse("The body is not declared as `application/json`."),
};

/** The ticket ingest API, described from the zod schemas its handlers validate with. */
export const ingestOpenApi: OpenApiSection = {
  requestSchemas: { TicketInput: ticketInputSchema, TicketBatchInput: ticketBatchInputSchema },
  responseSchemas: {
    TicketRef: ticketRefSchema,
    TicketBatchResult: batchResultSchema,
    TicketStatus: ticketStatusSchema,
    Error: errorResponseSchema,
  },
  paths: {
    "/api/v1/tickets": {
      post: {
        operationId: "ingestTicket",
        tags: ["tickets"],
        summary: "Ingest one ticket",
        description:
          "Stores the ticket and queues drafting without waiting for it. Idempotent on `externalId`: the same " +
          "payload again answers 200 with the same ticket; a different payload under a known `externalId` " +
          `answers 409 and changes nothing. Body at most ${INGEST_LIMITS.singleBodyBytes} bytes.`,
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: { "application/json": { schema: schemaRef("TicketInput") } },
        },
        responses: {
          "201": jsonResponse("TicketRef", "Created.", {
            Location: { description: "The ticket's page.", schema: { type: "string", format: "uri" } },
          }),
          "200": jsonResponse("TicketRef", "This payload was stored before: the same ticket."),
          "400": errorResponse("Not valid UTF-8 JSON, or fields not valid; `fields` has messages per field."),
          ...KEY_ERRORS,
          "409": errorResponse(
            "A different payload is stored under this `externalId`: `id` and `url` point at it when this key " +
              "ingested it; a ticket another key (or an import) stored is named by nothing.",
          ),
          ...BODY_ERRORS,
        },
      },
    },
    "/api/v1/tickets/batch": {
      post: {
        operationId: "ingestTicketBatch",
        tags: ["tickets"],
        summary: `Ingest up to ${INGEST_LIMITS.batchItems} tickets`,
        description:
          "Validated all or nothing: one invalid ticket answers 400 (`items` lists the bad indexes) and stores " +
          "nothing. Otherwise every ticket is stored in one transaction and reported as `created`, `existing` " +
          "or `conflict` (a different payload under a known `externalId`; left unchanged). Answers 201 when any " +
          `ticket was created, else 200. Body at most ${INGEST_LIMITS.batchBodyBytes} bytes.`,
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: { "application/json": { schema: schemaRef("TicketBatchInput") } },
        },
        responses: {
          "201": jsonResponse("TicketBatchResult", "At least one ticket was created."),
          "200": jsonResponse("TicketBatchResult", "Every ticket was already stored (or conflicts)."),
          "400": errorResponse("Not valid JSON, or a ticket is not valid; nothing was stored."),
          ...KEY_ERRORS,
          ...BODY_ERRORS,
        },
      },
    },
    "/api/v1/tickets/{id}": {
      get: {
        operationId: "getTicket",
        tags: ["tickets"],
        summary: "A ticket's status, proposed actions, decisions and delivery",
        description:
          "A key with `tickets:read` reads any ticket; a key with only `tickets:ingest` reads the tickets it " +
          "ingested (any other id answers 404, as if it did not exist). A signed-in user needs `tickets:read`.",
        security: [{ apiKey: [] }, { session: [] }],
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            description: "The `id` returned when the ticket was posted.",
            schema: { type: "string", format: "uuid" },
          },
        ],
        responses: {
          "200": jsonResponse("TicketStatus", "The ticket."),
          "400": errorResponse("The id is not a UUID."),
          ...KEY_ERRORS,
          "404": errorResponse("No ticket has this id."),
        },
      },
    },
  },
};

import { z } from "zod";
import type { Db } from "@/db";
import { type ApiKeyPrincipal, authenticateApiKey } from "@/lib/auth/api-keys";
import type { Scope } from "@/lib/auth/scopes";
import { AppError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { fieldMessages } from "@/lib/http/fields";
import { toErrorResponse } from "@/lib/http/route";
import { pendingSecondReviewOf } from "@/lib/review/second-review";
import { type IngestOutcome, ingestTicket, ingestTickets, ticketsToDraft } from "./ingest";
import type { RateLimiter } from "./rate-limit";
import { INGEST_LIMITS, ticketBatchInputSchema, ticketInputSchema } from "./schemas";
import { getTicketStatus, ticketIngestedBy, ticketUrl } from "./ticket-status";

/**
 * The ingest API's handlers, free of Next.js so tests call them with a plain
 * `Request` and a database of their own; the route files are thin wrappers.
 *
 * Order: authenticate the key (401/403) and rate-limit it (429) before the
 * body is read at all; then Content-Type (415), size (413), UTF-8 and JSON
 * (400), the schema (400 with messages per field), and only then the work.
 */

export interface IngestHandlerDeps {
  db: () => Promise<Db>;
  /** Queues drafting; called after the commit. A failure is logged, never turned into an error response. */
  enqueueDrafts: (ticketIds: string[]) => Promise<unknown>;
  rateLimiter: RateLimiter;
  /** The signed-in user allowed to read tickets (the UI), for requests without an API key. */
  sessionReader?: () => Promise<{ id: string }>;
  log?: Pick<Console, "error">;
}

const respond = async (work: () => Promise<Response>): Promise<Response> => {
  try {
    return await work();
  } catch (error) {
    return toErrorResponse(error);
  }
};

const READ_SCOPES: readonly Scope[] = ["tickets:read", "tickets:ingest"];

/** Whether the key may learn of the stored ticket: it ingested it. */
function ownedBy(outcome: IngestOutcome, key: ApiKeyPrincipal): boolean {
  return outcome.status === "created" || outcome.ingestedByKeyId === key.id;
}

function conflictElsewhere(externalId: string): AppError {
  return new AppError(
    "conflict:ticket",
    `The externalId ${JSON.stringify(externalId)} is already taken by a ticket this key did not send. Use a new externalId.`,
  );
}

export function createIngestHandlers(deps: IngestHandlerDeps) {
  const log = deps.log ?? console;

  async function authenticate(
    db: Db,
    request: Request,
    scopes: readonly Scope[] = ["tickets:ingest"],
  ): Promise<ApiKeyPrincipal> {
    const key = await authenticateApiKey(db, request.headers.get("authorization"), scopes);
    const allowed = await deps.rateLimiter.take(key.id);
    if (!allowed.ok) {
      throw new AppError(
        "rate_limited:api_key",
        `This API key sent too many requests. Wait ${allowed.retryAfterSeconds} s and retry, or send up to ${INGEST_LIMITS.batchItems} tickets per request to /api/v1/tickets/batch.`,
        { retryAfterSeconds: allowed.retryAfterSeconds },
      );
    }
    return key;
  }

  async function queueDrafts(outcomes: IngestOutcome[]): Promise<void> {
    const ids = ticketsToDraft(outcomes);
    if (ids.length === 0) return;
    try {
      await deps.enqueueDrafts(ids);
    } catch (error) {
      // The tickets are stored; "Draft all new" (or the client's replay) queues them again.
      log.error("ingest: could not queue drafting for", ids.join(", "), error);
    }
  }

  /** POST /api/v1/tickets */
  async function postTicket(request: Request): Promise<Response> {
    return respond(async () => {
      const db = await deps.db();
      const key = await authenticate(db, request);
      const raw = await readJsonBody(request, INGEST_LIMITS.singleBodyBytes);
      const parsed = ticketInputSchema.safeParse(raw);
      if (!parsed.success) {
        throw new AppError(
          "bad_request:ticket",
          "The ticket is not valid: fix the fields listed in `fields` and send it again.",
          { fields: fieldMessages(parsed.error) },
        );
      }
      const outcome = await ingestTicket(db, parsed.data, { kind: "api_key", id: key.id }, "api");
      const url = ticketUrl(new URL(request.url).origin, outcome.id);
      if (!ownedBy(outcome, key)) throw conflictElsewhere(outcome.externalId);
      if (outcome.status === "conflict") {
        throw new AppError(
          "conflict:ticket",
          `A different ticket is already stored under externalId ${JSON.stringify(outcome.externalId)}. ` +
            "Send the original payload to get it back, or use a new externalId for a new ticket.",
          { id: outcome.id, url },
        );
      }
      await queueDrafts([outcome]);
      const created = outcome.status === "created";
      return Response.json(
        { id: outcome.id, url },
        { status: created ? 201 : 200, headers: created ? { Location: url } : undefined },
      );
    });
  }

  /** POST /api/v1/tickets/batch: all valid or nothing stored; then each ticket created, existing or conflict. */
  async function postBatch(request: Request): Promise<Response> {
    return respond(async () => {
      const db = await deps.db();
      const key = await authenticate(db, request);
      const raw = await readJsonBody(request, INGEST_LIMITS.batchBodyBytes);
      const parsed = ticketBatchInputSchema.safeParse(raw);
      if (!parsed.success) {
        const items = [
          ...new Set(
            parsed.error.issues
              .filter((i) => i.path[0] === "tickets" && typeof i.path[1] === "number")
              .map((i) => i.path[1] as number),
          ),
        ].sort((a, b) => a - b);
        throw new AppError(
          "bad_request:batch",
          items.length
            ? `${items.length} of the tickets are not valid (items ${items.slice(0, 20).join(", ")}${items.length > 20 ? ", ..." : ""}); nothing was stored. Fix them and send the batch again.`
            : "The batch is not valid; nothing was stored. Fix the fields listed in `fields` and send it again.",
          { fields: fieldMessages(parsed.error), items },
        );
      }
      const outcomes = await ingestTickets(db, parsed.data.tickets, { kind: "api_key", id: key.id }, "batch");
      await queueDrafts(outcomes);
      const origin = new URL(request.url).origin;
      return Response.json(
        {
          // A ticket another key ingested is a conflict that names nothing of it.
          results: outcomes.map((o) =>
            ownedBy(o, key)
              ? { externalId: o.externalId, id: o.id, url: ticketUrl(origin, o.id), status: o.status }
              : { externalId: o.externalId, id: null, url: null, status: "conflict" as const },
          ),
        },
        { status: outcomes.some((o) => o.status === "created") ? 201 : 200 },
      );
    });
  }

  /** GET /api/v1/tickets/{id}: an API key with tickets:ingest, or a signed-in user with tickets:read. */
  async function getTicket(request: Request, id: string): Promise<Response> {
    return respond(async () => {
      const db = await deps.db();
      let reader: ApiKeyPrincipal | null = null;
      let viewer: { id: string } | null = null;
      if (request.headers.get("authorization") || !deps.sessionReader) {
        reader = await authenticate(db, request, READ_SCOPES);
      } else viewer = await deps.sessionReader();
      const parsed = z.uuid().safeParse(id);
      if (!parsed.success) {
        throw new AppError(
          "bad_request:ticket_id",
          "This is not a ticket id. Use the `id` returned when the ticket was posted.",
          { fields: { id: ["must be a UUID such as 3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"] } },
        );
      }
      // A tickets:ingest key reads only what it ingested; tickets:read (and a session) reads any ticket.
      const visible =
        !reader ||
        reader.scopes.includes("tickets:read") ||
        (await ticketIngestedBy(db, parsed.data)) === reader.id;
      // A person who may still give this ticket's blind second review does not see its first decision.
      const blind = viewer && visible ? await pendingSecondReviewOf(db, parsed.data, viewer) : null;
      if (blind) {
        throw new AppError(
          "conflict:second_review",
          `Give your blind second review of this ticket first: GET /api/v1/second-reviews/${blind}.`,
        );
      }
      const status = visible ? await getTicketStatus(db, parsed.data, new URL(request.url).origin) : null;
      if (!status) {
        throw new AppError(
          "not_found:ticket",
          "There is no ticket with this id. Check the id you were given.",
        );
      }
      return Response.json(status);
    });
  }

  return { postTicket, postBatch, getTicket };
}

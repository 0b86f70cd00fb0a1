import { z } from "zod";
import type { Db } from "@/db";
import { type ApiKeyPrincipal, authenticateApiKey } from "@/lib/auth/api-keys";
import { AppError, errorResponse } from "@/lib/errors";
import { type IngestOutcome, ingestTicket, ingestTickets, ticketsToDraft } from "./ingest";
import type { RateLimiter } from "./rate-limit";
import { INGEST_LIMITS, ticketBatchInputSchema, ticketInputSchema } from "./schemas";
import { getTicketStatus, ticketUrl } from "./ticket-status";

/**
 * The ingest API's handlers, free of Next.js so tests call them with a plain
 * `Request` and a database of their own; the route files are thin wrappers.
 *
 * Order: authenticate the key (401/403) and rate-limit it (429) before the
 * body is read at all; then Content-Type (415), size (413), UTF-8 and JSON
 * (400), the schema (400 with messages per field), and only then the work.
 */

const MAX_FIELD_MESSAGES = 200;

const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export function isJsonContentType(value: string | null): boolean {
  return value !== null && JSON_TYPE.test(value.trim());
}

/** Reads at most `maxBytes` of the body: a bigger one is refused without being buffered. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new AppError(
      "payload_too_large:body",
      `The request body is larger than ${maxBytes.toLocaleString("en-US")} bytes. Send fewer or smaller tickets per request.`,
    );
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The body as parsed JSON: 415 unless it is declared JSON, 413 when too big, 400 when not UTF-8 JSON. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type");
  if (!isJsonContentType(type)) {
    throw new AppError(
      "unsupported_media_type:body",
      `Send the body as JSON with the header \`Content-Type: application/json\` (this request has ${type ? `\`${type.slice(0, 100)}\`` : "no Content-Type"}).`,
    );
  }
  const bytes = await readBodyBytes(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request:body", "The request body is not valid UTF-8. Encode the JSON as UTF-8.");
  }
  if (text.trim() === "") {
    throw new AppError("bad_request:body", "The request body is empty. Send the ticket as a JSON object.");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.slice(0, 200) : "it could not be parsed";
    throw new AppError(
      "bad_request:body",
      `The request body is not valid JSON (${detail}). Send a JSON object.`,
    );
  }
}

/** Zod issues as `{ "field.path": [messages] }`; an unknown key is reported at its own path. */
export function fieldMessages(error: z.ZodError): Record<string, string[]> {
  // A Map, not an object: a client's field may be called `__proto__` or `constructor`.
  const fields = new Map<string, string[]>();
  const add = (path: PropertyKey[], message: string) => {
    const key = path.length ? path.map(String).join(".") : "(body)";
    let list = fields.get(key);
    if (!list) {
      if (fields.size >= MAX_FIELD_MESSAGES) return;
      list = [];
      fields.set(key, list);
    }
    if (!list.includes(message)) list.push(message);
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys.slice(0, 20)) {
        add(
          [...issue.path, key],
          `Unknown field "${key.slice(0, 50)}". Check its spelling, or put extra data in metadata.`,
        );
      }
    } else add(issue.path, issue.message);
  }
  // defineProperty keeps a `__proto__` key an ordinary property of the answer.
  const out: Record<string, string[]> = {};
  for (const [key, list] of fields) {
    Object.defineProperty(out, key, { value: list, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export interface IngestHandlerDeps {
  db: () => Promise<Db>;
  /** Queues drafting; called after the commit. A failure is logged, never turned into an error response. */
  enqueueDrafts: (ticketIds: string[]) => Promise<unknown>;
  rateLimiter: RateLimiter;
  /** The signed-in user allowed to read tickets (the UI), for requests without an API key. */
  sessionReader?: () => Promise<unknown>;
  log?: Pick<Console, "error">;
}

async function respond(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    const response = errorResponse(error);
    if (error instanceof AppError && error.details?.retryAfterSeconds) {
      response.headers.set("Retry-After", String(error.details.retryAfterSeconds));
    }
    return response;
  }
}

export function createIngestHandlers(deps: IngestHandlerDeps) {
  const log = deps.log ?? console;

  async function authenticate(db: Db, request: Request): Promise<ApiKeyPrincipal> {
    const key = await authenticateApiKey(db, request.headers.get("authorization"), "tickets:ingest");
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
          results: outcomes.map((o) => ({
            externalId: o.externalId,
            id: o.id,
            url: ticketUrl(origin, o.id),
            status: o.status,
          })),
        },
        { status: outcomes.some((o) => o.status === "created") ? 201 : 200 },
      );
    });
  }

  /** GET /api/v1/tickets/{id}: an API key with tickets:ingest, or a signed-in user with tickets:read. */
  async function getTicket(request: Request, id: string): Promise<Response> {
    return respond(async () => {
      const db = await deps.db();
      if (request.headers.get("authorization") || !deps.sessionReader) await authenticate(db, request);
      else await deps.sessionReader();
      const parsed = z.uuid().safeParse(id);
      if (!parsed.success) {
        throw new AppError(
          "bad_request:ticket_id",
          "This is not a ticket id. Use the `id` returned when the ticket was posted.",
          { fields: { id: ["must be a UUID such as 3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"] } },
        );
      }
      const status = await getTicketStatus(db, parsed.data, new URL(request.url).origin);
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

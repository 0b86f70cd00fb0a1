import { AppError } from "@/lib/errors";

/**
 * The one way a route handler reads a JSON body: declared JSON (415), at most
 * `maxBytes` counted while streaming and refused before parsing (413), UTF-8
 * and JSON (400). `refuseNul` turns away NUL characters anywhere in a value
 * (PostgreSQL text cannot hold them) for routes whose schemas do not already.
 */

export const DEFAULT_BODY_LIMIT = 1_000_000;

const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export function isJsonContentType(value: string | null): boolean {
  return value !== null && JSON_TYPE.test(value.trim());
}

export function unsupportedMediaType(type: string | null): AppError {
  return new AppError(
    "unsupported_media_type:body",
    `Send the body as JSON with the header \`Content-Type: application/json\` (this request has ${type ? `\`${type.slice(0, 100)}\`` : "no Content-Type"}).`,
  );
}

/** Reads at most `maxBytes` of the body: a bigger one is refused without being buffered. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new AppError(
      "payload_too_large:body",
      `The request body is larger than ${maxBytes.toLocaleString("en-US")} bytes. Send less per request.`,
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
export async function readJsonBody(
  request: Request,
  maxBytes: number = DEFAULT_BODY_LIMIT,
): Promise<unknown> {
  const type = request.headers.get("content-type");
  if (!isJsonContentType(type)) throw unsupportedMediaType(type);
  const bytes = await readBodyBytes(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request:body", "The request body is not valid UTF-8. Encode the JSON as UTF-8.");
  }
  if (text.trim() === "") {
    throw new AppError("bad_request:body", "The request body is empty. Send a JSON object.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.slice(0, 200) : "it could not be parsed";
    throw new AppError(
      "bad_request:body",
      `The request body is not valid JSON (${detail}). Send a JSON object.`,
    );
  }
  return value;
}

const NUL = String.fromCharCode(0);

/** 400 when any string or key in `value` holds a NUL character. */
export function refuseNul(value: unknown, path = "", depth = 0): void {
  if (depth > 64) {
    throw new AppError(
      "bad_request:body",
      "The body is nested more than 64 levels deep. Send a flatter JSON object.",
    );
  }
  const fail = (at: string) =>
    new AppError(
      "bad_request:body",
      `${at || "The body"} holds a NUL character (\\u0000), which cannot be stored. Remove it.`,
      {
        fields: { [at || "(body)"]: ["must not contain NUL characters"] },
      },
    );
  if (typeof value === "string") {
    if (value.includes(NUL)) throw fail(path);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) refuseNul(item, path ? `${path}.${i}` : String(i), depth + 1);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key.includes(NUL)) throw fail(at.replaceAll(NUL, ""));
      refuseNul(item, at, depth + 1);
    }
  }
}

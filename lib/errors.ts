/**
 * Typed errors of the form `type:surface`, mapped to HTTP status in one place.
 * Messages are written for the person who reads them: what went wrong, what to do.
 */
export type ErrorType =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable";

const STATUS: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: `${ErrorType}:${string}`,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get type(): ErrorType {
    return this.code.split(":")[0] as ErrorType;
  }

  get status(): number {
    return STATUS[this.type];
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message, ...this.details } },
      { status: this.status },
    );
  }
}

/** Maps any thrown value to a JSON response, hiding internals of unexpected errors. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) return error.toResponse();
  console.error(error);
  return Response.json(
    { error: { code: "internal:api", message: "Something went wrong on our side. Try again in a moment." } },
    { status: 500 },
  );
}

/** The small union server actions return, for `useActionState`. */
export type ActionResult<T = undefined> =
  | { ok: true; data?: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** Turns anything a server action caught into a message for the person who clicked. */
export function actionError(error: unknown): { ok: false; error: string } {
  if (error instanceof AppError) return { ok: false, error: error.message };
  console.error(error);
  return { ok: false, error: "Something went wrong on our side. Try again in a moment." };
}

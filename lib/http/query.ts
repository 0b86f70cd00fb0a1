import { AppError } from "@/lib/errors";

/**
 * Checks every query string before a route reads it: no NUL characters, and
 * dates within the range the app and PostgreSQL both handle (years 1970 to
 * 9998, so a day added to an inclusive end still fits). Routes then parse
 * their own parameters as before.
 */

export const DATE_PARAMS = ["from", "to", "since", "until", "asOf"] as const;
const NUL = String.fromCharCode(0);
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);

export function checkQuery(url: URL): void {
  for (const [key, value] of url.searchParams) {
    if (key.includes(NUL) || value.includes(NUL)) {
      throw new AppError(
        "bad_request:query",
        `The query parameter ${JSON.stringify(key.replaceAll(NUL, "\\u0000").slice(0, 50))} holds a NUL character. Remove it.`,
        { fields: { [key.replaceAll(NUL, "")]: ["must not contain NUL characters"] } },
      );
    }
    if ((DATE_PARAMS as readonly string[]).includes(key) && value.trim() !== "") {
      const time = Date.parse(value.trim());
      if (Number.isFinite(time) && (time < EARLIEST || time >= LATEST)) {
        throw new AppError(
          "bad_request:query",
          `${key} must be a date between 1970-01-01 and 9998-12-31 (got ${JSON.stringify(value.slice(0, 40))}).`,
          { fields: { [key]: ["must be between 1970-01-01 and 9998-12-31"] } },
        );
      }
    }
  }
}

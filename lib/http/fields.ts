import type { z } from "zod";

const MAX_FIELD_MESSAGES = 200;

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

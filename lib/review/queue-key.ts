import type { QueueParams } from "./queue";

/** The TanStack Query key of a queue page, shared by the server prefetch and the client. */
export function queueKey(params: QueueParams) {
  return [
    "queue",
    params.kind ?? null,
    params.state ?? null,
    params.q ?? null,
    params.category ?? null,
    params.intent ?? null,
    params.mine ?? null,
    params.group ?? null,
    params.cursor ?? null,
  ] as const;
}

/** The job queues' names, shared by the queue (queue.ts) and the backlog figures (backlog.ts). */
export const DRAFT_QUEUE = "draft-ticket";
export const OUTBOX_QUEUE = "deliver-outbox";
export const IMPORT_QUEUE = "import-csv";

import type { Db } from "@/db";
import type { StepRecorder } from "../recorder";
import type { BlockedProposal, Proposal, Retrieved, TicketInput } from "../types";

/** What one run's tools share: the database, the ticket, and what the run found and proposed. */
export interface ToolContext {
  db: Db;
  ticket: TicketInput;
  retrieved: Retrieved;
  proposals: Proposal[];
  blocked: BlockedProposal[];
  recorder: StepRecorder;
}

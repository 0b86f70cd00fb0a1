import type { ActionStatus, TicketStatus } from "@/db/schema";

/**
 * The agent's status transitions, in one place: what a run does to its
 * ticket when it starts, finishes or fails, and which undecided actions a
 * newer run supersedes.
 */
export const TICKET_ON_RUN = {
  /** A run started: the ticket is being drafted. */
  start: "drafting",
  /** A run finished: its actions wait for a person. */
  finish: "awaiting_review",
  /** A run failed or was interrupted: the ticket can be drafted again. */
  fail: "new",
} as const satisfies Record<string, TicketStatus>;

/** Actions a person has not decided yet: a newer run's proposals replace them. */
export const UNDECIDED_ACTIONS = ["pending_review", "blocked"] as const satisfies readonly ActionStatus[];
export const SUPERSEDED: ActionStatus = "superseded";
/** What a proposal becomes when stored: waiting for a person, or blocked with its reason. */
export const PROPOSED: ActionStatus = "pending_review";
export const BLOCKED: ActionStatus = "blocked";

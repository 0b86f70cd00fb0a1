import { type SQL, sql } from "drizzle-orm";
import type { ActionStatus, Decision, TicketStatus } from "@/db/schema";

/**
 * Ticket and action status transitions, in one place: what a run does to its
 * ticket when it starts, finishes or fails, which undecided actions a newer
 * run supersedes, what a reviewer's decision makes of an action, and the
 * ticket's status from the decisions on its run's actions.
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

/** What a reviewer's decision makes of the action decided. */
export const ACTION_AFTER_DECISION = {
  approve: "approved",
  edit: "approved",
  escalate: "escalated",
  reject: "rejected",
} as const satisfies Record<Decision, ActionStatus>;

/** Whether an action still waits for a person's decision. */
export function isUndecided(status: ActionStatus): boolean {
  return (UNDECIDED_ACTIONS as readonly ActionStatus[]).includes(status);
}

/**
 * The ticket's status from the decisions made so far on the actions of its
 * run: escalated once any decision put it in a person's hands, otherwise
 * awaiting review while an action is undecided, resolved when a reply was
 * approved, and back to new when everything was rejected. The order of the
 * decisions does not matter.
 */
export function ticketStatusOfRunSql(runId: string, ticketId: string): SQL<TicketStatus> {
  return sql<TicketStatus>`(
    select case
      when bool_or(a.status = 'escalated' or (a.kind = 'escalation' and a.status = 'approved')) then 'escalated'
      when bool_or(a.status in ('pending_review', 'blocked')) then 'awaiting_review'
      when bool_or(a.kind = 'reply' and a.status = 'approved') then 'resolved'
      -- A follow-up that was turned down leaves a ticket whose reply went out resolved.
      when exists (select 1 from outbox o where o.ticket_id = ${ticketId}::uuid and o.payload->>'kind' = 'reply') then 'resolved'
      else 'new'
    end
    from agent_actions a
    where a.run_id = ${runId}::uuid)`;
}

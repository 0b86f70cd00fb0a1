import type { ToolName } from "@/lib/guardrails/rules";

/**
 * The stages of the workflow shape and the agents of the team shape: their
 * names (stored as `agent_steps.scope`), the model each uses and the tools
 * each may call. A role's marker opens its instructions, so any model (the
 * offline one included) knows which part it plays.
 */
export const WORKFLOW_STAGES = [
  "validate_input",
  "process_request",
  "verify_output",
  "execute_action",
] as const;
export type WorkflowStage = (typeof WORKFLOW_STAGES)[number];

export const TEAM_AGENTS = ["manager", "analyst", "writer", "reviewer"] as const;
export type TeamAgent = (typeof TEAM_AGENTS)[number];
export type SubAgent = Exclude<TeamAgent, "manager">;

export type Role = WorkflowStage | TeamAgent;

/** Which of the configured models a role uses: the small one, the large one, or the router's pick. */
export type ModelSize = "small" | "large" | "routed";

export interface RoleSetting {
  model: ModelSize | null;
  tools: readonly ToolName[];
  /** At most this many model calls with tools (the policy's step budget still caps the run). */
  maxSteps: number;
  /** What the role must deliver, in the words its instructions use. */
  constraint: string;
}

const LOOKUPS = ["lookup_customer", "lookup_orders", "get_ticket_history", "search_knowledge_base"] as const;
const PROPOSING = ["draft_reply", "escalate_to_human", "issue_refund"] as const;

export const ROLE_SETTINGS: Record<Role, RoleSetting> = {
  validate_input: {
    model: "small",
    tools: ["lookup_customer", "get_ticket_history"],
    maxSteps: 2,
    constraint:
      'Decide whether this is a support request the shop can act on. Answer with JSON only: {"valid":true|false,"reason":"..."}.',
  },
  process_request: {
    model: "routed",
    tools: [...LOOKUPS, ...PROPOSING],
    maxSteps: 6,
    constraint: "Look up what the ticket needs and propose exactly one outcome for a person to review.",
  },
  verify_output: {
    model: "small",
    tools: [],
    maxSteps: 1,
    constraint: "Review the proposal; verification in code decides whether it passes.",
  },
  execute_action: {
    model: null,
    tools: [],
    maxSteps: 0,
    constraint: "Queue the verified proposals for a person. Nothing is sent.",
  },
  manager: {
    model: "routed",
    tools: ["escalate_to_human"],
    maxSteps: 6,
    constraint:
      "Delegate: the analyst reads the records and writes a brief, the writer drafts from it, the reviewer checks the draft. Propose only what the reviewer passed; otherwise escalate to a person.",
  },
  analyst: {
    model: "small",
    tools: LOOKUPS,
    maxSteps: 3,
    constraint: "Read the customer, orders, history and knowledge base, then answer with a short brief.",
  },
  writer: {
    model: "routed",
    tools: PROPOSING,
    maxSteps: 2,
    constraint: "Draft from the brief and its sources only; escalate when the policy requires it.",
  },
  reviewer: {
    model: "small",
    tools: [],
    maxSteps: 1,
    constraint: "Check the draft against the policy and its sources and return a verdict with reasons.",
  },
};

const MARKER = "Role in the agent team:";

/** The first line of a role's instructions. */
export function roleMarker(role: Role): string {
  return `${MARKER} ${role}.`;
}

/** The role named in a model's instructions, or null for the loop. */
export function roleOf(system: string): Role | null {
  const match = new RegExp(`${MARKER} (\\w+)\\.`).exec(system);
  const name = match?.[1];
  return name && name in ROLE_SETTINGS ? (name as Role) : null;
}

export function roleInstructions(role: Role, planner: string): string {
  return [roleMarker(role), ROLE_SETTINGS[role].constraint, planner].join("\n\n");
}

import type { AgentShape } from "@/db/schema";

export { AGENT_SHAPES, type AgentShape } from "@/db/schema";

/** What each agent shape a policy can choose does, in the words the policy screens use. */
export const SHAPE_DESCRIPTIONS: Record<AgentShape, string> = {
  loop: "one agent plans with every tool in a control loop, reflects on its draft and verifies it.",
  workflow:
    "four ordered stages, each with its own model, tools and constraint: validate_input → process_request → verify_output → execute_action.",
  team: "a manager delegates to an analyst (reads the records), a writer (drafts from the brief) and a reviewer (checks the draft and gives a verdict).",
};

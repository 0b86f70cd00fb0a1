import { env } from "@/lib/env";
import type { ModelSettings } from "../models";
import { ROLE_SETTINGS, type Role, TEAM_AGENTS, type TeamAgent } from "./roles";

/** A team agent's own model id, when one is configured (AGENT_MODEL_MANAGER, _ANALYST, _WRITER, _REVIEWER). */
function configuredRoleModel(role: Role): string | undefined {
  const e = env();
  if (role === "manager") return e.AGENT_MODEL_MANAGER;
  if (role === "analyst") return e.AGENT_MODEL_ANALYST;
  if (role === "writer") return e.AGENT_MODEL_WRITER;
  if (role === "reviewer") return e.AGENT_MODEL_REVIEWER;
  return undefined;
}

/** The team agents with a model id of their own, for /api/health. */
export function configuredTeamModels(): [TeamAgent, string][] {
  return TEAM_AGENTS.flatMap((agent) => {
    const id = configuredRoleModel(agent);
    return id ? [[agent, id] as [TeamAgent, string]] : [];
  });
}

/**
 * The model a role calls: its own id if configured, else the small or large
 * model its setting names, else the router's pick. When recovery has moved
 * the run to the fallback model, every role uses that.
 */
export function roleModel(
  role: Role,
  models: ModelSettings,
  routed: string,
  fallback: string | null,
): string {
  if (fallback) return fallback;
  const own = configuredRoleModel(role);
  if (own) return own;
  const size = ROLE_SETTINGS[role].model;
  if (size === "small") return models.small;
  if (size === "large") return models.large;
  return routed;
}

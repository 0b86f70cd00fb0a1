import { and, desc, eq, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { agentRuns } from "@/db/schema";
import { ConfigError } from "@/lib/env";
import { configuredTeamModels } from "../shapes/models";
import type { TeamAgent } from "../shapes/roles";
import { getLanguageModel, type ModelSettings, modelSettings, OFFLINE_MODEL_ID } from "./index";

export type ModelRole = "primary" | "small" | "fallback" | TeamAgent;

export interface AgentProblem {
  model: string;
  roles: ModelRole[];
  /** What is wrong and what to set, in the app's own words (never a provider's or a driver's text). */
  problem: string;
  /** When a run last met the problem (absent for problems found in the configuration itself). */
  seenAt?: string;
}

/** The `agent` section of /api/health: the configured models and what makes one unusable. */
export interface AgentHealth {
  status: "ok" | "misconfigured";
  model: string;
  small: string;
  fallback: string;
  problems: AgentProblem[];
}

function rolesByModel(settings: ModelSettings): Map<string, ModelRole[]> {
  const roles = new Map<string, ModelRole[]>();
  const add = (id: string, role: ModelRole) => roles.set(id, [...(roles.get(id) ?? []), role]);
  add(settings.large, "primary");
  add(settings.small, "small");
  add(settings.fallback, "fallback");
  for (const [agent, id] of configuredTeamModels()) add(id, agent);
  return roles;
}

/**
 * Checks each configured model: first its configuration (a key or base URL
 * missing, an unknown provider), then, for those that pass, whether the latest
 * run of that model ended on a configuration error (HTTP 401/403/404 from the
 * provider). A model whose latest run succeeded has no problem: fixing the
 * configuration clears the report with the next run.
 */
export async function agentHealth(
  db: Db | null,
  settings: ModelSettings = modelSettings(),
): Promise<AgentHealth> {
  const problems: AgentProblem[] = [];
  for (const [model, roles] of rolesByModel(settings)) {
    if (model === OFFLINE_MODEL_ID) continue;
    try {
      getLanguageModel(model);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push({ model, roles, problem: error.message });
      continue;
    }
    if (!db) continue;
    const [last] = await db
      .select({ errorKind: agentRuns.errorKind, error: agentRuns.error, endedAt: agentRuns.endedAt })
      .from(agentRuns)
      .where(and(eq(agentRuns.model, model), ne(agentRuns.status, "running")))
      .orderBy(desc(agentRuns.startedAt))
      .limit(1);
    if (last?.errorKind === "configuration" && last.error) {
      problems.push({ model, roles, problem: last.error, seenAt: last.endedAt?.toISOString() });
    }
  }
  return {
    status: problems.length ? "misconfigured" : "ok",
    model: settings.large,
    small: settings.small,
    fallback: settings.fallback,
    problems,
  };
}

import type { Role } from "@/db/schema";

/** Everything a caller can be allowed to do. Checked by each action and route itself. */
export const SCOPES = [
  "tickets:read",
  "tickets:draft",
  "tickets:ingest",
  "actions:review",
  "kb:read",
  "kb:write",
  "metrics:read",
  "policies:write",
  "datasets:export",
  "users:manage",
  "api_keys:manage",
] as const;
export type Scope = (typeof SCOPES)[number];

const REVIEWER: readonly Scope[] = [
  "tickets:read",
  "tickets:draft",
  "actions:review",
  "kb:read",
  "metrics:read",
];

/** The one table that maps roles to scopes. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  reviewer: REVIEWER,
  admin: [
    ...REVIEWER,
    "tickets:ingest",
    "kb:write",
    "policies:write",
    "datasets:export",
    "users:manage",
    "api_keys:manage",
  ],
};

/** Scopes an API key may carry (machine clients only). */
export const API_KEY_SCOPES = [
  "tickets:ingest",
  "tickets:read",
  "datasets:export",
  "metrics:read",
] as const satisfies readonly Scope[];

export function roleHasScope(role: Role, scope: Scope): boolean {
  return ROLE_SCOPES[role].includes(scope);
}

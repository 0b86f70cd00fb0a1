import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { API_KEY_SCOPES, Scope } from "./scopes";

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Keys are stored as SHA-256 hashes: they are long random secrets, so a slow hash adds nothing. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export interface ApiKeyPrincipal {
  kind: "api_key";
  id: string;
  name: string;
  scopes: readonly string[];
}

/** Creates a key; the plain key is returned once and never stored. */
export async function createApiKey(
  db: Db,
  input: { name: string; scopes: ApiKeyScope[]; createdBy?: string | null },
): Promise<{ id: string; key: string; prefix: string }> {
  const key = `cs_${randomBytes(24).toString("base64url")}`;
  const prefix = key.slice(0, 10);
  const [row] = await db
    .insert(apiKeys)
    .values({
      name: input.name,
      prefix,
      hash: hashApiKey(key),
      scopes: input.scopes,
      createdBy: input.createdBy ?? null,
    })
    .returning({ id: apiKeys.id });
  return { id: row?.id ?? "", key, prefix };
}

export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/**
 * Authenticates `Authorization: Bearer <key>` and checks the scope (any one of
 * a list): 401 for a missing or unknown key, 403 for a revoked key or one
 * without the scope.
 */
export async function authenticateApiKey(
  db: Db,
  authorization: string | null,
  scope: Scope | readonly Scope[],
): Promise<ApiKeyPrincipal> {
  const accepted: readonly Scope[] = typeof scope === "string" ? [scope] : scope;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) {
    throw new AppError(
      "unauthorized:api_key",
      "Send an API key as `Authorization: Bearer <key>`. Admins create keys on the API keys page.",
    );
  }
  const [key] = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.hash, hashApiKey(match[1])))
    .limit(1);
  if (!key)
    throw new AppError(
      "unauthorized:api_key",
      "This API key is not valid. Check it, or create a new one on the API keys page.",
    );
  if (key.revokedAt)
    throw new AppError(
      "forbidden:api_key",
      "This API key was revoked. Create a new one on the API keys page.",
    );
  if (!accepted.some((s) => key.scopes.includes(s))) {
    throw new AppError(
      "forbidden:api_key",
      `This API key lacks the ${accepted.join(" or ")} scope. Create a key with that scope.`,
    );
  }
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, key.id));
  return { kind: "api_key", id: key.id, name: key.name, scopes: key.scopes };
}

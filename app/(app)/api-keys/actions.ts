"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { recordAudit } from "@/db/queries/audit";
import { apiKeyInputSchema } from "@/lib/auth/api-key-input";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";

export interface CreatedKey {
  name: string;
  prefix: string;
  key: string;
  scopes: string[];
}

/** "Create key": the plain key is returned to this one response and never stored or shown again. */
export async function createApiKeyAction(
  _prev: ActionResult<CreatedKey>,
  form: FormData,
): Promise<ActionResult<CreatedKey>> {
  try {
    const user = await requireScope("api_keys:manage");
    const parsed = apiKeyInputSchema.safeParse({
      name: form.get("name") ?? "",
      scopes: form.getAll("scopes").filter((s) => typeof s === "string"),
    });
    if (!parsed.success) {
      return {
        ok: false,
        error: parsed.error.issues[0]?.message ?? "Check the form.",
        fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
      };
    }
    const created = await (await getDb()).transaction(async (tx) => {
      const key = await createApiKey(tx, { ...parsed.data, createdBy: user.id });
      await recordAudit(tx, {
        actorId: user.id,
        actorType: "user",
        action: "api_key.create",
        entityType: "api_key",
        entityId: key.id,
        data: { name: parsed.data.name, prefix: key.prefix, scopes: parsed.data.scopes },
      });
      return key;
    });
    revalidatePath("/api-keys");
    return {
      ok: true,
      data: { name: parsed.data.name, prefix: created.prefix, key: created.key, scopes: parsed.data.scopes },
      message: `Created the key “${parsed.data.name}”. Copy it now: it is not shown again.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

/** "Revoke": the key stops working at once (403); the row stays for the record. */
export async function revokeApiKeyAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  try {
    const user = await requireScope("api_keys:manage");
    const id = z.uuid("This key id is not valid; reload the page.").safeParse(form.get("id"));
    if (!id.success) return { ok: false, error: id.error.issues[0]?.message ?? "Reload the page." };
    const revoked = await (await getDb()).transaction(async (tx) => {
      if (!(await revokeApiKey(tx, id.data))) return false;
      await recordAudit(tx, {
        actorId: user.id,
        actorType: "user",
        action: "api_key.revoke",
        entityType: "api_key",
        entityId: id.data,
      });
      return true;
    });
    if (!revoked)
      return { ok: false, error: "This key is already revoked or no longer exists. Reload the page." };
    revalidatePath("/api-keys");
    return { ok: true, message: "Revoked." };
  } catch (error) {
    return actionError(error);
  }
}

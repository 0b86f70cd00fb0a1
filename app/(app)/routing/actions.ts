"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";
import { loadPolicy } from "@/lib/guardrails/policy";
import { changeRouting, type RoutingChange } from "@/lib/routing/change";
import { groupFormInput, ruleFormInput } from "@/lib/routing/form";
import { deleteGroup, saveGroup } from "@/lib/routing/groups-store";
import { unknownFiredRules } from "@/lib/routing/match";
import { deleteRule, moveRule, saveRule } from "@/lib/routing/rules-store";
import { moveRuleSchema, reviewGroupInputSchema, routingRuleInputSchema } from "@/lib/routing/schemas";

/** Who may change routing: the people who manage users (admins). */
const ROUTING_SCOPE = "users:manage";

function invalid(error: z.ZodError): ActionResult {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    // Errors inside a rule's conditions show beside the condition (match.teams -> teams).
    const key = String(
      issue.path.at(issue.path[0] === "match" ? 1 : 0) ?? (issue.path[0] === "match" ? "match" : "form"),
    );
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  return { ok: false, error: error.issues[0]?.message ?? "Check the form.", fieldErrors };
}

const movedText = (moved: number) =>
  `${moved === 0 ? "no" : moved.toLocaleString("en")} pending ${moved === 1 ? "action" : "actions"} moved`;

async function run<T>(actorId: string, change: RoutingChange<T>, saved: string): Promise<ActionResult> {
  const { moved } = await changeRouting(await getDb(), actorId, change);
  revalidatePath("/routing");
  revalidatePath("/queue");
  return { ok: true, message: `${saved}; ${movedText(moved)}.` };
}

export async function saveGroupAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  try {
    const user = await requireScope(ROUTING_SCOPE);
    const parsed = reviewGroupInputSchema.safeParse(groupFormInput(form));
    if (!parsed.success) return invalid(parsed.error);
    const input = parsed.data;
    return await run(
      user.id,
      {
        action: input.id ? "routing.group.update" : "routing.group.create",
        entityType: "review_group",
        apply: async (tx) => {
          const id = await saveGroup(tx, input);
          return { id, data: { name: input.name, members: input.members.length }, result: id };
        },
      },
      `Group “${input.name}” saved`,
    );
  } catch (error) {
    return actionError(error);
  }
}

const idSchema = z.uuid("This id is not valid; reload the page.");

/** Deletes a group or a rule by the id the form posts, re-routing in the same transaction. */
async function deleteById(
  form: FormData,
  change: Pick<RoutingChange<null>, "action" | "entityType"> & {
    remove: (tx: Parameters<RoutingChange<null>["apply"]>[0], id: string) => Promise<Record<string, unknown>>;
  },
  done: string,
): Promise<ActionResult> {
  try {
    const user = await requireScope(ROUTING_SCOPE);
    const id = idSchema.safeParse(form.get("id"));
    if (!id.success) return invalid(id.error);
    return await run(
      user.id,
      {
        action: change.action,
        entityType: change.entityType,
        apply: async (tx) => ({ id: id.data, data: await change.remove(tx, id.data), result: null }),
      },
      done,
    );
  } catch (error) {
    return actionError(error);
  }
}

export async function deleteGroupAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  return deleteById(
    form,
    { action: "routing.group.delete", entityType: "review_group", remove: deleteGroup },
    "Group deleted",
  );
}

export async function saveRuleAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  try {
    const user = await requireScope(ROUTING_SCOPE);
    const parsed = routingRuleInputSchema.safeParse(ruleFormInput(form));
    if (!parsed.success) return invalid(parsed.error);
    const input = parsed.data;
    const db = await getDb();
    const row = await getPublishedPolicyRow(db);
    const unknown = unknownFiredRules(input.match, row ? loadPolicy(row).rules.map((r) => r.id) : []);
    if (unknown.length) {
      const message = `Not a rule of the published policy: ${unknown.join(", ")}. Choose from the list.`;
      return { ok: false, error: message, fieldErrors: { firedRules: [message] } };
    }
    return await run(
      user.id,
      {
        action: input.id ? "routing.rule.update" : "routing.rule.create",
        entityType: "routing_rule",
        apply: async (tx) => {
          const id = await saveRule(tx, input);
          return { id, data: { name: input.name, groupId: input.groupId, match: input.match }, result: id };
        },
      },
      "Rules saved",
    );
  } catch (error) {
    return actionError(error);
  }
}

export async function deleteRuleAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  return deleteById(
    form,
    { action: "routing.rule.delete", entityType: "routing_rule", remove: deleteRule },
    "Rule deleted",
  );
}

export async function moveRuleAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  try {
    const user = await requireScope(ROUTING_SCOPE);
    const parsed = moveRuleSchema.safeParse({ id: form.get("id"), direction: form.get("direction") });
    if (!parsed.success) return invalid(parsed.error);
    const { id, direction } = parsed.data;
    return await run(
      user.id,
      {
        action: "routing.rule.move",
        entityType: "routing_rule",
        apply: async (tx) => ({
          id,
          data: { ...(await moveRule(tx, id, direction)), direction },
          result: null,
        }),
      },
      "Rules saved",
    );
  } catch (error) {
    return actionError(error);
  }
}

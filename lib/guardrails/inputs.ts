import { z } from "zod";
import { AGENT_SHAPES } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { MAX_RULES } from "./rules";
import type { DraftIssue } from "./validate";

/**
 * What the policy server actions and route handlers accept, validated on the
 * server whatever the client sends. Rules arrive as unknown JSON and are
 * checked by the rule schemas in lib/guardrails/validate.ts.
 */
export const saveDraftInput = z.object({
  /** The draft the editor was opened on; absent when starting a new one. */
  draftId: z.uuid("This draft id is not valid: reload the page.").optional(),
  instructions: z
    .string("Write instructions for the planner.")
    .max(20_000, "Keep the planner instructions under 20,000 characters."),
  note: z.string().trim().max(500, "Keep the change note under 500 characters.").optional(),
  rules: z
    .array(z.unknown(), "The rules must be a list.")
    .max(MAX_RULES, `A policy can have at most ${MAX_RULES} rules.`),
  /** How the agent is organised under this version; absent keeps the published version's shape. */
  agentShape: z.enum(AGENT_SHAPES, `Choose the agent's shape: ${AGENT_SHAPES.join(", ")}.`).optional(),
});
export type SaveDraftInput = z.infer<typeof saveDraftInput>;

export const DEFAULT_DRY_RUN_LIMIT = 500;
export const MAX_DRY_RUN_LIMIT = 5_000;

export const dryRunInput = z.object({
  draftId: z.uuid("This draft id is not valid: reload the page."),
  limit: z.coerce
    .number("Enter how many decided runs to replay.")
    .int("Enter a whole number of runs.")
    .min(1, "Replay at least 1 run.")
    .max(MAX_DRY_RUN_LIMIT, `Replay at most ${MAX_DRY_RUN_LIMIT.toLocaleString("en-US")} runs at a time.`)
    .default(DEFAULT_DRY_RUN_LIMIT),
});

export const discardDraftInput = z.object({
  draftId: z.uuid("This draft id is not valid: reload the page."),
});

const expectedPublishedId = z
  .uuid("The published version id is not valid: reload the page.")
  .nullable()
  .optional()
  .describe("The published version the caller saw; publishing fails if another one went live since.");

export const publishInput = z.object({
  draftId: z.uuid("This draft id is not valid: reload the page."),
  expectedPublishedId,
});

export const rollbackInput = z.object({
  versionId: z.uuid("This version id is not valid: reload the page."),
  expectedPublishedId,
});

/** Parses input or throws a 400 whose message says what to fix and whose details list every problem. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: DraftIssue[] = parsed.error.issues.map((i) => ({
    path: i.path.join("."),
    message: i.message,
  }));
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path || "(body)";
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  throw new AppError("bad_request:policy", issues[0]?.message ?? "Check the form and try again.", {
    issues,
    fields,
  });
}

/** A draft that does not pass its checks: the first problem as the message, every problem in the details. */
export function invalidDraft(issues: DraftIssue[]): AppError {
  const first = issues[0];
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return new AppError(
    "bad_request:policy",
    `${first ? describeIssue(first) : "The draft is not valid."}${more}`,
    { issues },
  );
}

/** "Rule 4, keywords: Add at least one keyword." */
export function describeIssue(issue: DraftIssue): string {
  const [root, index, ...field] = issue.path.split(".");
  if (root === "rules" && index !== undefined && /^\d+$/.test(index)) {
    const where = field.length ? `, ${field.join(".")}` : "";
    return `Rule ${Number(index) + 1}${where}: ${issue.message}`;
  }
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

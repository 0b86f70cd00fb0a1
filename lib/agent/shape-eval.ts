import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { type AgentShape, policyVersions, tickets } from "@/db/schema";
import { formatMicroUsd } from "@/lib/format-cost";
import { splitOf } from "@/lib/triage/features";
import { type EvalReport, evaluateAgent, pct } from "./eval";

export interface ShapeReport {
  shape: AgentShape;
  report: EvalReport;
}

/** The demo tickets whose text falls in the triage model's held-out split: it never trained on them. */
export async function heldOutTickets(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: tickets.id, subject: tickets.subject, body: tickets.body })
    .from(tickets)
    .orderBy(asc(tickets.createdAt));
  return rows.filter((t) => splitOf(`${t.subject}\n${t.body}`) === "test").map((t) => t.id);
}

/**
 * Runs the same tickets through each shape: the published policy's shape is
 * switched before each pass (everything else stays), and put back after.
 */
export async function evaluateShapes(
  db: Db,
  shapes: AgentShape[],
  ticketIds: string[],
  onProgress?: (shape: AgentShape, done: number, total: number) => void,
): Promise<ShapeReport[]> {
  const [published] = await db
    .select({ id: policyVersions.id, shape: policyVersions.agentShape })
    .from(policyVersions)
    .where(eq(policyVersions.status, "published"));
  if (!published) throw new Error("No policy version is published.");
  const out: ShapeReport[] = [];
  try {
    for (const shape of shapes) {
      await db.update(policyVersions).set({ agentShape: shape }).where(eq(policyVersions.id, published.id));
      const report = await evaluateAgent(db, (done, total) => onProgress?.(shape, done, total), ticketIds);
      out.push({ shape, report });
    }
  } finally {
    await db
      .update(policyVersions)
      .set({ agentShape: published.shape })
      .where(eq(policyVersions.id, published.id));
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Quality, escalations, tokens, cost and latency of each shape, side by side. */
export function formatShapeReports(reports: ShapeReport[]): string {
  const row = (label: string, cell: (r: EvalReport) => string) =>
    `| ${label} | ${reports.map((x) => cell(x.report)).join(" | ")} |`;
  return [
    `| held-out tickets: ${reports[0]?.report.runs ?? 0} | ${reports.map((r) => r.shape).join(" | ")} |`,
    `|---|${reports.map(() => "---:").join("|")}|`,
    row("escalation recall (goal 100 %)", (r) => pct(r.escalationRecall.hit, r.escalationRecall.total)),
    row("escalation precision (goal >= 90 %)", (r) =>
      pct(r.escalationPrecision.correct, r.escalationPrecision.escalated),
    ),
    row("other tickets with a verified draft (goal >= 60 %)", (r) =>
      pct(r.verifiedDraftShare.drafted, r.verifiedDraftShare.total),
    ),
    row("citation validity (goal 100 %)", (r) => pct(r.citationValidity.valid, r.citationValidity.total)),
    row("escalations", (r) => String(r.escalations)),
    row("tokens per ticket", (r) => (r.runs ? Math.round(r.tokens / r.runs).toLocaleString("en-US") : "n/a")),
    row("cost per ticket", (r) => (r.runs ? formatMicroUsd(Math.round(r.costMicroUsd / r.runs)) : "n/a")),
    row("median latency", (r) => `${Math.round(median(r.latenciesMs))} ms`),
    row("wall time", (r) => `${r.seconds.toFixed(1)} s`),
  ].join("\n");
}

/**
 * The limit an export is measured against: PostgreSQL's plain `COPY` of the
 * same rows (same joins, filters and order) and about the same width (the
 * columns the records are made of, plus a constant column as wide as the
 * format's fixed text), in FORMAT csv with no per-row formatting, read to a
 * stream that discards it.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Sql } from "postgres";
import { agentRuns, policyVersions, reviews, tickets } from "@/db/schema";
import { copyOut } from "@/lib/datasets/copy";
import { inlineSql } from "@/lib/datasets/copy-sql";
import type { ExportRequest } from "@/lib/datasets/filters";
import type { ExportFormat } from "@/lib/datasets/formats";
import { ticketTurn, writeDpo, writeSft, writeTrl } from "@/lib/datasets/records";
import { filterCondition, formatCondition } from "@/lib/datasets/source";
import { collect } from "@/lib/datasets/writer";

/** The bytes of a format's record that are not the texts: JSON keys and the ticket template. */
function framingBytes(format: Exclude<ExportFormat, "csv">): number {
  const user = ticketTurn({ fromEmail: "", channel: "", subject: "", body: "" });
  const write = { sft: writeSft, dpo: writeDpo, trl: writeTrl }[format];
  return Buffer.byteLength(collect((w) => write(w, '""', user, "", "")));
}

const CSV_RAW = [
  reviews.id,
  reviews.createdAt,
  reviews.decision,
  reviews.rating,
  reviews.reasonTags,
  reviews.comment,
  reviews.reason,
  reviews.originalText,
  reviews.finalText,
  reviews.editDistance,
  reviews.actionId,
  reviews.actionKind,
  reviews.proposedAt,
  tickets.id,
  tickets.externalId,
  tickets.channel,
  tickets.subject,
  tickets.body,
  tickets.createdAt,
  reviews.reviewerId,
  policyVersions.version,
  reviews.model,
  agentRuns.inputTokens,
  agentRuns.outputTokens,
  agentRuns.costMicroUsd,
  agentRuns.costMicroUsd,
  reviews.demo,
];

function limitSelect(format: ExportFormat, request: ExportRequest): SQL {
  const order = sql`order by ${reviews.createdAt}, ${reviews.id}`;
  if (format === "csv") {
    return sql`select ${sql.join(
      CSV_RAW.map((c) => sql`${c}`),
      sql`, `,
    )}
      from ${reviews}
      join ${tickets} on ${tickets.id} = ${reviews.ticketId}
      join ${agentRuns} on ${agentRuns.id} = ${reviews.runId}
      left join ${policyVersions} on ${policyVersions.id} = ${reviews.policyVersionId}
      where ${filterCondition(request) ?? sql`true`} ${order}`;
  }
  const texts = [
    sql`${policyVersions.instructions}`,
    sql`${tickets.fromEmail}`,
    sql`${tickets.channel}`,
    sql`${tickets.subject}`,
    sql`${tickets.body}`,
    sql`${reviews.finalText}`,
    ...(format === "sft" ? [] : [sql`${reviews.originalText}`]),
    sql.raw(`'${"x".repeat(framingBytes(format))}'`),
  ];
  return sql`select ${sql.join(texts, sql`, `)}
    from ${reviews}
    join ${tickets} on ${tickets.id} = ${reviews.ticketId}
    left join ${policyVersions} on ${policyVersions.id} = ${reviews.policyVersionId}
    where ${formatCondition(format) ?? sql`true`} and ${filterCondition(request) ?? sql`true`} ${order}`;
}

/** Runs the limit's COPY to nowhere: rows, bytes and seconds. */
export async function measureCopyLimit(
  client: Sql,
  format: ExportFormat,
  request: ExportRequest,
): Promise<{ rows: number; bytes: number; seconds: number }> {
  const started = performance.now();
  let rows = 0;
  let bytes = 0;
  for await (const lines of copyOut(
    client,
    `copy (${inlineSql(limitSelect(format, request))}) to stdout with (format csv)`,
  )) {
    rows += lines.length;
    for (const line of lines) bytes += line.length;
  }
  return { rows, bytes, seconds: (performance.now() - started) / 1000 };
}

import { eq } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Db } from "@/db";
import { policyVersions } from "@/db/schema";
import { copyClientOf, copyOut, copyTally, exportCopyStatement, systemPrompts } from "./copy";
import type { ExportRequest } from "./filters";
import type { ExportFormat } from "./formats";
import { buildManifest, type ExportManifest, type ExportTally, emptyTally } from "./manifest";
import { csvHeader, csvRows, ticketTurn, writeDpo, writeSft, writeTrl } from "./records";
import { createRedactor } from "./redact";
import { countExportRecords, reviewRowBatches, type TrainingRow, trainingRowBatches } from "./source";
import { CHUNK_BYTES, ChunkWriter } from "./writer";

export interface DatasetExportOptions {
  format: ExportFormat;
  request: ExportRequest;
  batchSize?: number;
}

/**
 * One export: stream `chunks()` once (to a response, a file or nowhere), then
 * read the tally, the SHA-256 of exactly the bytes that were streamed, and the
 * manifest. Memory is bounded by a batch, whatever the number of reviews.
 */
export class DatasetExport {
  readonly format: ExportFormat;
  readonly request: ExportRequest;
  readonly tally: ExportTally = emptyTally();
  private readonly batchSize?: number;
  private digest: string | null = null;
  private started = false;
  private readonly text: (value: string) => string;
  /** The system prompt (JSON-encoded) of each policy version, read, redacted and encoded once. */
  private readonly systems = new Map<string | null, string | null>();

  constructor(
    private readonly db: Db,
    options: DatasetExportOptions,
  ) {
    this.format = options.format;
    this.request = options.request;
    this.batchSize = options.batchSize;
    const { filters } = options.request;
    if (filters.redact) {
      const redactor = createRedactor({ orders: filters.redactOrders });
      this.tally.redactions = redactor.counts;
      this.text = redactor;
    } else {
      this.text = (value) => value;
    }
  }

  /** The file's bytes, in chunks of about a megabyte. Single use. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    if (this.started) throw new Error("An export streams once: create a new DatasetExport to stream again.");
    this.started = true;
    const out = new ChunkWriter();
    const options = { batchSize: this.batchSize };
    const client = copyClientOf(this.db);
    if (client && !this.request.filters.redact) {
      yield* this.copyChunks(client, out);
    } else if (this.format === "csv") {
      // The header goes out with the first batch, so a failing first query fails before any byte is sent.
      out.write(csvHeader());
      for await (const rows of reviewRowBatches(this.db, this.request, options)) {
        for (const row of rows) this.count(row);
        out.write(csvRows(rows, this.text));
        yield* out.take();
      }
    } else {
      for await (const rows of trainingRowBatches(this.db, this.format, this.request, options)) {
        await this.writeRecords(out.write, rows);
        yield* out.take();
      }
    }
    yield* out.take();
    this.tally.bytes = out.bytes;
    this.digest = out.digest();
  }

  /**
   * PostgreSQL builds the records and streams them through COPY; the counts
   * come from one grouped scan run beside the stream, checked against the
   * lines that arrived (one COPY message is one line).
   */
  private async *copyChunks(client: Sql, out: ChunkWriter): AsyncGenerator<Uint8Array> {
    const statement = exportCopyStatement(this.format, this.request, await systemPrompts(this.db, this.text));
    const tallied = copyTally(this.db, this.format, this.request);
    tallied.catch(() => undefined);
    if (this.format === "csv") out.write(csvHeader());
    // A chunk goes out every `batchSize` lines, or when CHUNK_BYTES are ready.
    const linesPerChunk = this.batchSize ?? Number.POSITIVE_INFINITY;
    let lines = 0;
    for await (const arrived of copyOut(client, statement)) {
      for (const line of arrived) {
        out.writeBytes(line);
        this.tally.records++;
        if (++lines >= linesPerChunk || out.pending >= CHUNK_BYTES) {
          lines = 0;
          yield* out.take();
        }
      }
    }
    const counted = await tallied;
    if (counted.records !== this.tally.records) {
      // Reviews under the snapshot changed while the file streamed (deleted meanwhile).
      throw new Error(
        `The export streamed ${this.tally.records} records but its snapshot holds ${counted.records}: export again.`,
      );
    }
    Object.assign(this.tally, { ...counted, redactions: this.tally.redactions });
  }

  /** SHA-256 (hex) of every byte `chunks()` produced; available once the stream has ended. */
  get sha256(): string {
    if (this.digest === null) throw new Error("The export has not finished streaming yet.");
    return this.digest;
  }

  /** The manifest of a finished export. `formats` defaults to counting the other formats now. */
  async manifest(
    options: { formats?: Record<ExportFormat, number>; generatedAt?: Date; fileName?: string } = {},
  ): Promise<ExportManifest> {
    return buildManifest({
      format: this.format,
      filters: this.request.filters,
      asOf: this.request.asOf,
      tally: this.tally,
      sha256: this.sha256,
      formats: options.formats ?? (await countExportRecords(this.db, this.request)),
      generatedAt: options.generatedAt,
      fileName: options.fileName,
    });
  }

  private count(row: Pick<TrainingRow, "decision" | "policyVersionId" | "policyVersion" | "model">) {
    const { tally } = this;
    tally.records++;
    tally.byDecision[row.decision]++;
    const version = tally.policyVersions.get(row.policyVersionId);
    if (version) version.records++;
    else tally.policyVersions.set(row.policyVersionId, { version: row.policyVersion, records: 1 });
    tally.models.set(row.model, (tally.models.get(row.model) ?? 0) + 1);
  }

  private async writeRecords(write: (text: string) => void, rows: readonly TrainingRow[]) {
    for (const row of rows) {
      if (!this.systems.has(row.policyVersionId)) await this.loadSystemPrompt(row.policyVersionId);
    }
    const { text, tally } = this;
    const pairs = this.format !== "sft";
    // The source only returns pairs whose texts differ: only redaction can make them equal.
    const checkPairs = pairs && this.request.filters.redact;
    for (const row of rows) {
      const replacedBefore = checkPairs ? { ...tally.redactions } : null;
      // The source only returns rows with the texts each format uses.
      const final = text(row.finalText ?? "");
      const draft = pairs ? text(row.originalText ?? "") : "";
      if (replacedBefore && draft === final) {
        // The edit changed only what redaction replaced: no preference is left to learn, and
        // nothing of this pair is in the file (nor in the redaction counts).
        Object.assign(tally.redactions, replacedBefore);
        tally.pairsLeftOut++;
        continue;
      }
      this.count(row);
      const system = this.systems.get(row.policyVersionId) ?? null;
      const user = text(ticketTurn(row));
      if (this.format === "sft") writeSft(write, system, user, final);
      else if (this.format === "dpo") writeDpo(write, system, user, final, draft);
      else writeTrl(write, system, user, final, draft);
    }
  }

  /** Policy versions are immutable once published and few: each one is read once per export. */
  private async loadSystemPrompt(policyVersionId: string | null): Promise<void> {
    let system: string | null = null;
    if (policyVersionId) {
      const [policy] = await this.db
        .select({ instructions: policyVersions.instructions })
        .from(policyVersions)
        .where(eq(policyVersions.id, policyVersionId));
      const instructions = policy?.instructions.trim() ?? "";
      system = instructions ? JSON.stringify(this.text(instructions)) : null;
    }
    this.systems.set(policyVersionId, system);
  }
}

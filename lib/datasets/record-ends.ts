/**
 * Counts the records of an export as its bytes arrive, whatever the chunking:
 * a JSONL record is one line (JSON strings hold no raw newline); a CSV record
 * ends at a newline outside quotes, its first line being the header. Newline
 * and quote are ASCII, never part of a multi-byte UTF-8 character, so bytes
 * can be scanned as they come. Shared by the preview and the download's progress.
 */
export class RecordCounter {
  private inQuote = false;
  private lines = 0;
  /** The byte offset just past each record end, in the bytes pushed so far. */
  private offset = 0;
  readonly ends: number[] = [];

  constructor(
    private readonly csv: boolean,
    private readonly keepEnds = false,
  ) {}

  /** Scans a chunk; returns the records complete so far. */
  push(chunk: Uint8Array): number {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.csv && byte === 0x22) this.inQuote = !this.inQuote;
      else if (byte === 0x0a && !this.inQuote) {
        this.lines++;
        if (this.keepEnds) this.ends.push(this.offset + i + 1);
      }
    }
    this.offset += chunk.length;
    return this.records;
  }

  /** Complete records (a CSV's header line is not one). */
  get records(): number {
    return this.csv ? Math.max(0, this.lines - 1) : this.lines;
  }
}

import { createHash } from "node:crypto";

/** Bytes per chunk handed to the stream: big enough for few syscalls, small enough to stay flat. */
export const CHUNK_BYTES = 1 << 18;

/**
 * Encodes text straight into fixed-size buffers and hashes exactly the bytes
 * it hands out. Writing the pieces of a record one by one avoids building
 * (and flattening) one big string per batch, which halves the formatting cost.
 */
export class ChunkWriter {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private position = 0;
  private ready: Uint8Array[] = [];
  private readonly hash = createHash("sha256");
  bytes = 0;

  /** Appends text as UTF-8. */
  readonly write = (text: string): void => {
    // A UTF-16 code unit never needs more than 3 bytes of UTF-8.
    if (this.position + text.length * 3 > CHUNK_BYTES) {
      this.seal();
      if (text.length * 3 > CHUNK_BYTES) {
        this.push(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.position += this.buffer.write(text, this.position, "utf8");
  };

  /** Appends bytes that are already encoded (a COPY stream's lines), copied into the current chunk. */
  writeBytes(bytes: Uint8Array): void {
    if (this.position + bytes.length > CHUNK_BYTES) {
      this.seal();
      if (bytes.length > CHUNK_BYTES) {
        this.push(Buffer.from(bytes));
        return;
      }
    }
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  /** Bytes written and not yet taken. */
  get pending(): number {
    return this.position + this.ready.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  /** Everything written since the last call, as chunks ready to send. */
  take(): Uint8Array[] {
    this.seal();
    const chunks = this.ready;
    this.ready = [];
    return chunks;
  }

  /** The SHA-256 (hex) of every byte written; call once, after the last `take`. */
  digest(): string {
    this.seal();
    return this.hash.digest("hex");
  }

  private seal() {
    if (this.position === 0) return;
    this.push(this.buffer.subarray(0, this.position));
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.position = 0;
  }

  private push(chunk: Buffer) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.ready.push(chunk);
  }
}

/** Collects writes into one string: the formatters' plain form, for tests and small callers. */
export function collect(format: (write: (text: string) => void) => void): string {
  const parts: string[] = [];
  format((text) => parts.push(text));
  return parts.join("");
}

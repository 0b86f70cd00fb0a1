import type { DatasetExport } from "./export";
import { exportQuery } from "./filters";
import { exportFileName, FORMAT_INFO } from "./formats";

/**
 * A pull-based web stream over async chunks: the next batch is read from the
 * database only when the client has taken the previous one, so a slow client
 * never makes the server buffer, and a cancelled download stops the queries.
 */
export function readableFrom(
  chunks: AsyncGenerator<Uint8Array>,
  first?: IteratorResult<Uint8Array>,
): ReadableStream<Uint8Array> {
  let pending = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = pending ?? (await chunks.next());
        pending = undefined;
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        // Headers are gone already: abort the body so the client sees a failed, not a short, download.
        console.error("Export failed while streaming", error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/**
 * The download: chunked body, content type, file name, record count and where
 * the manifest lives. The first chunk is read before answering, so an export
 * that cannot start (a failing query) is a JSON error, not a broken 200.
 */
export async function exportResponse(dataset: DatasetExport, records: number): Promise<Response> {
  const { format, request } = dataset;
  const query = exportQuery(request.filters, request.asOf).toString();
  const chunks = dataset.chunks();
  const first = await chunks.next();
  return new Response(readableFrom(chunks, first), {
    headers: {
      "Content-Type": FORMAT_INFO[format].contentType,
      "Content-Disposition": `attachment; filename="${exportFileName(format, request.asOf)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Record-Count": String(records),
      "X-Export-As-Of": request.asOf.toISOString(),
      Link: `</api/v1/exports/${format}/manifest?${query}>; rel="describedby"; type="application/json"`,
    },
  });
}

import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Table, TableHead, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { requirePageScope } from "@/lib/auth/guards";
import { formatAge, humanize } from "@/lib/format";
import { BATCH_SIMILARITY, loadBatches } from "@/lib/review/batches";

export const metadata: Metadata = { title: "Batches" };

const PREVIEW = 160;

/** Pending reply drafts grouped by intent and likeness, largest batch first. */
export default async function BatchesPage() {
  await connection();
  const user = await requirePageScope("actions:review");
  const batches = await loadBatches(await getDb(), user);
  return (
    <section aria-labelledby="batches-heading" className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/queue" className="text-sky-800 underline">
          Review queue
        </Link>
      </nav>
      <h1 id="batches-heading" className="text-xl font-semibold">
        Batches
      </h1>
      <p className="max-w-prose text-sm text-slate-700">
        Pending reply drafts of the same triage intent that read alike (at least{" "}
        {Math.round(BATCH_SIMILARITY * 100)} % trigram similarity to the batch's most common draft), so you
        can review them side by side and decide them together.
      </p>
      {batches.length === 0 ? (
        <p className="text-slate-600">No batches: no two pending reply drafts in your queues read alike.</p>
      ) : (
        <Table label="Batches of similar drafts">
          <TableHead>
            <Th>Intent</Th>
            <Th>Drafts</Th>
            <Th>Most common draft</Th>
            <Th>Oldest</Th>
          </TableHead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.key} className="border-t border-slate-100 align-top">
                <Td>
                  <Link href={`/queue/batches/${b.key}`} className="text-sky-800 hover:underline">
                    Review {humanize(b.intent)} batch ({b.size} drafts)
                  </Link>
                </Td>
                <Td>{b.size}</Td>
                <Td className="text-slate-700">
                  {b.commonDraft.length > PREVIEW ? `${b.commonDraft.slice(0, PREVIEW)}…` : b.commonDraft}
                </Td>
                <Td>{formatAge(b.oldestAt)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { BatchReview } from "@/components/review/batch-review";
import { getDb } from "@/db";
import { requirePageScope } from "@/lib/auth/guards";
import { loadBatch } from "@/lib/review/batches";

export const metadata: Metadata = { title: "Batch review" };

/** One batch's pending drafts, stepped through with the keys and decided together. */
export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const user = await requirePageScope("actions:review");
  const { id } = await params;
  const batch = await loadBatch(await getDb(), id, user);
  if (!batch) notFound();
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="flex gap-4 text-sm">
        <Link href="/queue" className="text-sky-800 underline">
          Review queue
        </Link>
        <Link href="/queue/batches" className="text-sky-800 underline">
          Batches
        </Link>
      </nav>
      <BatchReview batch={batch} />
    </div>
  );
}

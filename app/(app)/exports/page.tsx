import type { Metadata } from "next";
import { connection } from "next/server";
import { ExportForm } from "@/components/exports/export-form";
import { getDb } from "@/db";
import { listPolicyVersions } from "@/db/queries/policies";
import { DECISIONS } from "@/db/schema";
import { requirePageScope } from "@/lib/auth/guards";
import { EXPORT_FORMATS, FORMAT_INFO } from "@/lib/datasets/formats";
import { listRunModels } from "@/lib/datasets/source";
import { REASON_LABELS, REASON_TAGS } from "@/lib/review/schema";

export const metadata: Metadata = { title: "Exports" };

/** Feedback datasets for fine-tuning and prompt work (admins: datasets:export). */
export default async function ExportsPage() {
  await connection();
  await requirePageScope("datasets:export");
  const db = await getDb();
  const [versions, models] = await Promise.all([listPolicyVersions(db), listRunModels(db)]);

  return (
    <section aria-labelledby="exports-heading" className="space-y-4">
      <div>
        <h1 id="exports-heading" className="text-xl font-semibold">
          Feedback datasets
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Every human decision becomes training data: pick a format and filters, check the count, download.
          Each download is a snapshot; its manifest (counts, filters, policy versions, SHA-256) lets you cite
          it and get the same bytes again.
        </p>
      </div>
      <ExportForm
        formats={EXPORT_FORMATS.map((id) => ({ id, ...FORMAT_INFO[id] }))}
        decisions={[...DECISIONS]}
        tags={REASON_TAGS.map((id) => ({ id, label: REASON_LABELS[id] }))}
        policyVersions={versions.map((v) => v.version)}
        models={models}
      />
    </section>
  );
}

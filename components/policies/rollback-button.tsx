"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { rollbackPolicyVersionAction } from "@/app/(app)/policies/actions";

/** "Roll back to version N": publishes a copy of it, after a confirmation. */
export function RollbackButton({
  versionId,
  version,
  publishedId,
}: {
  versionId: string;
  version: number;
  publishedId: string | null;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const rollback = () =>
    startTransition(async () => {
      setError(null);
      const result = await rollbackPolicyVersionAction({ versionId, expectedPublishedId: publishedId });
      setConfirming(false);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      router.push(`/policies?published=${result.data?.version ?? ""}`);
      router.refresh();
    });
  return (
    <div className="text-sm">
      {confirming ? (
        <fieldset className="flex flex-wrap items-center gap-2">
          <legend className="sr-only">Confirm rollback to version {version}</legend>
          <span>Publish a copy of version {version}?</span>
          <button
            type="button"
            disabled={pending}
            onClick={rollback}
            className="rounded bg-brand px-2 py-1 text-white disabled:opacity-50"
          >
            Confirm rollback
          </button>
          <button
            type="button"
            onClick={() => setConfirming(false)}
            className="rounded border border-slate-300 px-2 py-1"
          >
            Cancel
          </button>
        </fieldset>
      ) : (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100"
        >
          Roll back to version {version}
        </button>
      )}
      {error ? (
        <p role="alert" className="mt-1 text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}

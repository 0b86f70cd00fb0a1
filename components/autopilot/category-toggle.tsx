"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { demoteCategoryAction, promoteCategoryAction } from "@/app/(app)/autopilot/actions";
import { Button } from "@/components/ui/button";
import type { ActionKind } from "@/db/schema";
import type { AutopilotWindow } from "@/lib/autopilot/inputs";

/** Promote an eligible category, or demote one on autopilot. */
export function CategoryToggle({
  policyVersionId,
  intent,
  actionKind,
  window,
  promoted,
  label,
}: {
  policyVersionId: string;
  intent: string;
  actionKind: ActionKind;
  window: AutopilotWindow;
  promoted: boolean;
  label: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const act = () =>
    startTransition(async () => {
      setError(null);
      const key = { policyVersionId, intent, actionKind };
      const result = promoted
        ? await demoteCategoryAction(key)
        : await promoteCategoryAction({ ...key, window });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      router.refresh();
    });
  return (
    <div>
      <Button
        variant={promoted ? "outline" : "primary"}
        disabled={pending}
        onClick={act}
        aria-label={`${promoted ? "Demote" : "Promote"} ${label}`}
      >
        {promoted ? "Demote" : "Promote"}
      </Button>
      {error ? (
        <p role="alert" className="mt-1 text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}

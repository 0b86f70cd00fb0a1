"use client";

import { CATEGORIES, INTENTS } from "@/lib/triage/labels";

export interface TriageCorrectionValue {
  intent: string;
  category: string;
}

/** Lets a reviewer correct the triage reading; stored with the review and learnt by `triage:train --with-reviews`. */
export function TriageCorrection({
  value,
  onChange,
}: {
  value: TriageCorrectionValue;
  onChange: (next: TriageCorrectionValue) => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <span>Correct the triage</span>
      <label className="flex items-center gap-1">
        Intent
        <select
          value={value.intent}
          onChange={(e) => onChange({ ...value, intent: e.target.value })}
          className="rounded border border-slate-300 bg-white px-1 py-0.5"
        >
          <option value="">as triaged</option>
          {INTENTS.map((i) => (
            <option key={i} value={i}>
              {i.replaceAll("_", " ")}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1">
        Risk category
        <select
          value={value.category}
          onChange={(e) => onChange({ ...value, category: e.target.value })}
          className="rounded border border-slate-300 bg-white px-1 py-0.5"
        >
          <option value="">as triaged</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

import type { PolicyVersionSummary } from "@/db/queries/policies";
import type { PolicyDiff } from "@/lib/guardrails/diff";
import { RULE_TYPE_LABELS } from "@/lib/guardrails/rules";

export type Comparison =
  | { from: number; to: number; diff: PolicyDiff }
  | { from: number; to: number; problem: string }
  | null;

/** Pick two versions and see what changed between them. */
/** One side of a changed field: the list items removed or added, or the whole value before or after. */
function FieldSide({
  side,
  items,
  value,
}: {
  side: "removed" | "added";
  items: string[] | undefined;
  value: string | undefined;
}) {
  const Mark = side === "removed" ? "del" : "ins";
  const tint = side === "removed" ? "bg-red-50" : "bg-emerald-50";
  if (!items) return <Mark className={tint}>{value}</Mark>;
  if (items.length === 0) return <span className="text-slate-500">nothing {side}</span>;
  return (
    <span>
      {side}: <Mark className={tint}>{items.join(", ")}</Mark>
    </span>
  );
}

export function CompareVersions({
  versions,
  comparison,
}: {
  versions: PolicyVersionSummary[];
  comparison: Comparison;
}) {
  if (versions.length < 2) return null;
  const options = versions.map((v) => (
    <option key={v.id} value={v.version}>
      Version {v.version} ({v.status})
    </option>
  ));
  return (
    <section aria-labelledby="compare-heading" className="rounded bg-white p-5 shadow-sm">
      <h2 id="compare-heading" className="text-lg font-semibold">
        Compare versions
      </h2>
      <form method="get" action="/policies" className="mt-2 flex flex-wrap items-end gap-3 text-sm">
        <div>
          <label htmlFor="compare-from" className="block font-medium">
            From
          </label>
          <select
            id="compare-from"
            name="from"
            defaultValue={comparison?.from}
            className="mt-1 rounded border border-slate-300 p-1"
          >
            {options}
          </select>
        </div>
        <div>
          <label htmlFor="compare-to" className="block font-medium">
            To
          </label>
          <select
            id="compare-to"
            name="to"
            defaultValue={comparison?.to}
            className="mt-1 rounded border border-slate-300 p-1"
          >
            {options}
          </select>
        </div>
        <button type="submit" className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
          Compare
        </button>
      </form>
      {comparison ? <DiffView comparison={comparison} /> : null}
    </section>
  );
}

function DiffView({ comparison }: { comparison: NonNullable<Comparison> }) {
  const title = `Changes from version ${comparison.from} to version ${comparison.to}`;
  if ("problem" in comparison) {
    return (
      <p role="alert" className="mt-3 text-sm text-red-800">
        {comparison.problem}
      </p>
    );
  }
  const { diff } = comparison;
  const nothing =
    !diff.added.length &&
    !diff.removed.length &&
    !diff.changed.length &&
    !diff.reordered &&
    !diff.instructions.changed &&
    !diff.shape;
  return (
    <section aria-label={title} className="mt-4 space-y-3 text-sm">
      <h3 className="font-medium">{title}</h3>
      {nothing ? <p>The two versions have the same rules and instructions.</p> : null}
      {diff.added.length ? (
        <div>
          <h4 className="font-medium text-emerald-800">Rules added</h4>
          <ul className="list-disc pl-5">
            {diff.added.map((r) => (
              <li key={r.id}>
                {r.name} <span className="text-slate-500">({RULE_TYPE_LABELS[r.type]})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {diff.removed.length ? (
        <div>
          <h4 className="font-medium text-red-800">Rules removed</h4>
          <ul className="list-disc pl-5">
            {diff.removed.map((r) => (
              <li key={r.id}>
                {r.name} <span className="text-slate-500">({RULE_TYPE_LABELS[r.type]})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {diff.changed.map((rule) => (
        <div key={rule.id}>
          <h4 className="font-medium">Changed: {rule.name}</h4>
          <table className="mt-1 w-full text-left">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1 pr-2">Field</th>
                <th className="py-1 pr-2">Before</th>
                <th className="py-1">After</th>
              </tr>
            </thead>
            <tbody>
              {rule.fields.map((f) => (
                <tr key={f.field} className="border-t border-slate-100 align-top">
                  <td className="py-1 pr-2">{f.field}</td>
                  <td className="py-1 pr-2 break-all">
                    <FieldSide side="removed" items={f.removed} value={f.before} />
                  </td>
                  <td className="py-1 break-all">
                    <FieldSide side="added" items={f.added} value={f.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {diff.reordered ? (
        <p>The order of the rules changed (the gate names the first rule that refuses).</p>
      ) : null}
      {diff.shape ? (
        <p>
          Agent shape: <del className="bg-red-100">{diff.shape.before}</del> →{" "}
          <ins className="bg-emerald-100">{diff.shape.after}</ins>
        </p>
      ) : null}
      {diff.instructions.changed ? (
        <div>
          <h4 className="font-medium">Planner instructions</h4>
          <p className="mt-1 whitespace-pre-wrap rounded bg-slate-50 p-2">
            {diff.instructions.parts.map((p, i) =>
              p.added ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: parts of one diff never move
                <ins key={i} className="bg-emerald-100">
                  {p.value}
                </ins>
              ) : p.removed ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: parts of one diff never move
                <del key={i} className="bg-red-100">
                  {p.value}
                </del>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: parts of one diff never move
                <span key={i}>{p.value}</span>
              ),
            )}
          </p>
        </div>
      ) : null}
    </section>
  );
}

import Link from "next/link";
import { humanize } from "@/lib/format";
import type { SecondReviewItem } from "@/lib/review/second-review";

/** The blind second reviews this reviewer may give (never their own decisions). */
export function SecondReviewList({ items }: { items: SecondReviewItem[] }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="second-reviews-heading" className="mt-8">
      <h2 id="second-reviews-heading" className="text-lg font-semibold">
        Second reviews
      </h2>
      <p className="text-sm text-slate-600">
        A sample of decided actions, opened again so reviewers' agreement can be measured. You do not see the
        first decision; nothing you decide here is sent.
      </p>
      <ul className="mt-2 divide-y divide-slate-100 rounded bg-white text-sm shadow-sm">
        {items.map((item) => (
          <li key={item.id} className="flex flex-wrap items-center gap-3 px-3 py-2">
            <Link href={`/second-reviews/${item.id}`} className="text-sky-800 underline">
              {item.subject}
            </Link>
            <span className="text-slate-600">
              {item.actionKind}
              {item.intent ? ` · ${humanize(item.intent)}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

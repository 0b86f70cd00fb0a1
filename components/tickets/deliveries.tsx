import { Badge, type Tone } from "@/components/ui/badge";
import { RefreshWhile } from "@/components/ui/refresh-while";
import type { DeliveryListItem } from "@/lib/delivery/outbox";

const TONE: Record<string, Tone> = { pending: "warn", sent: "ok", failed: "danger", dead: "danger" };

/** Delivery states the outbox still changes: the section follows them without a reload. */
const UNSETTLED = new Set(["pending", "failed"]);

/** What approval released to the customer or a team, and whether it was delivered (kept current). */
export function Deliveries({ deliveries }: { deliveries: DeliveryListItem[] }) {
  if (deliveries.length === 0) return null;
  return (
    <section aria-label="Deliveries" className="rounded bg-white p-4 shadow-sm">
      <h2 className="text-lg font-semibold">Deliveries</h2>
      <RefreshWhile active={deliveries.some((d) => UNSETTLED.has(d.status))} />
      <ul className="mt-2 space-y-1 text-sm">
        {deliveries.map((d) => (
          <li key={d.id} className="flex flex-wrap items-center gap-2">
            <span>{d.kind === "escalation" ? "Escalation" : "Reply"}</span>
            <span className="text-slate-600">via {d.channel}</span>
            <Badge tone={TONE[d.status] ?? "neutral"}>{d.status}</Badge>
            <span className="text-slate-600">
              {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
              {d.sentAt ? ` · sent ${d.sentAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}
            </span>
            {d.status === "pending" && d.releaseAt.getTime() > Date.now() ? (
              <span className="text-slate-600">
                held for undo until {d.releaseAt.toISOString().slice(11, 19)} UTC
              </span>
            ) : null}
            {d.lastError ? <span className="text-red-800">Last error: {d.lastError}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

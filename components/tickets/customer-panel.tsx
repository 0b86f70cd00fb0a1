import type { customers, orders } from "@/db/schema";
import { formatCents, formatDateTime } from "@/lib/format";

type Customer = typeof customers.$inferSelect;
type Order = typeof orders.$inferSelect;

/** The customer behind the ticket and their orders, beside the draft as evidence. */
export function CustomerPanel({
  customer,
  orders: list,
  fromEmail,
}: {
  customer: Customer | null;
  orders: Order[];
  fromEmail: string;
}) {
  return (
    <aside aria-labelledby="customer-heading" className="rounded bg-white p-4 shadow-sm">
      <h2 id="customer-heading" className="text-lg font-semibold">
        Customer
      </h2>
      {customer ? (
        <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-600">Name</dt>
          <dd className="break-words">{customer.name}</dd>
          <dt className="text-slate-600">E-mail</dt>
          <dd className="break-all">{customer.email}</dd>
          <dt className="text-slate-600">Phone</dt>
          <dd>{customer.phone ?? "—"}</dd>
          <dt className="text-slate-600">Tier</dt>
          <dd>{customer.tier}</dd>
        </dl>
      ) : (
        <p className="mt-2 text-sm break-words text-slate-600">No customer record matches {fromEmail}.</p>
      )}
      <h2 id="orders-heading" className="mt-4 text-lg font-semibold">
        Orders
      </h2>
      {list.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No orders.</p>
      ) : (
        <table aria-labelledby="orders-heading" className="mt-2 w-full text-sm">
          <thead className="text-left text-slate-600">
            <tr>
              <th className="py-1">Order</th>
              <th className="py-1">Status</th>
              <th className="py-1 text-right">Total</th>
            </tr>
          </thead>
          <tbody>
            {list.map((o) => (
              <tr
                key={o.id}
                id={`order-${o.number}`}
                className="border-t border-slate-100 target:bg-amber-100"
              >
                <td className="py-1">
                  {o.number}
                  <div className="text-xs text-slate-600">{formatDateTime(o.placedAt)}</div>
                </td>
                <td className="py-1">{o.status}</td>
                <td className="py-1 text-right">{formatCents(o.totalCents, o.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}

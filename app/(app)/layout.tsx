import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/lib/auth/guards";
import { roleHasScope, type Scope } from "@/lib/auth/scopes";
import { signOutAction } from "./actions";

const NAV: { href: string; label: string; scope: Scope }[] = [
  { href: "/queue", label: "Queue", scope: "actions:review" },
  { href: "/tickets", label: "Tickets", scope: "tickets:read" },
  { href: "/knowledge", label: "Knowledge", scope: "kb:read" },
  { href: "/metrics", label: "Metrics", scope: "metrics:read" },
  { href: "/policies", label: "Policies", scope: "policies:write" },
  { href: "/autopilot", label: "Autopilot", scope: "policies:write" },
  { href: "/routing", label: "Routing", scope: "users:manage" },
  { href: "/exports", label: "Exports", scope: "datasets:export" },
  { href: "/api-keys", label: "API keys", scope: "api_keys:manage" },
];

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const items = NAV.filter((item) => roleHasScope(user.role, item.scope));
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-brand">
            Countersign
          </Link>
          <nav
            aria-label="Main"
            className="order-last flex w-full flex-wrap gap-x-4 gap-y-1 text-sm md:order-none md:w-auto"
          >
            {items.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                className="text-slate-700 hover:text-slate-950 hover:underline"
              >
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="break-words">
              {user.name} <span className="text-slate-500">({user.role})</span>
            </span>
            <form action={signOutAction}>
              <button type="submit" className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-4">{children}</main>
    </>
  );
}

import type { Metadata } from "next";
import { connection } from "next/server";
import { CreateApiKeyForm } from "@/components/api-keys/create-api-key-form";
import { RevokeApiKeyButton } from "@/components/api-keys/revoke-api-key-button";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { listApiKeys } from "@/db/queries/api-keys";
import { requirePageScope } from "@/lib/auth/guards";
import { API_KEY_SCOPES } from "@/lib/auth/scopes";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  await connection();
  await requirePageScope("api_keys:manage");
  const keys = await listApiKeys(await getDb());
  return (
    <section aria-labelledby="api-keys-heading" className="space-y-6">
      <div>
        <h1 id="api-keys-heading" className="text-xl font-semibold">
          API keys
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          Machine clients (your helpdesk, export jobs) authenticate with these keys. The API is described at{" "}
          <a href="/api/v1/openapi.json" className="text-sky-800 underline">
            /api/v1/openapi.json
          </a>
          .
        </p>
      </div>
      <CreateApiKeyForm scopes={API_KEY_SCOPES} />
      <div className="overflow-x-auto rounded bg-white shadow-sm">
        <table
          className="w-full border-collapse text-sm [&_td]:[overflow-wrap:anywhere]"
          aria-label="API keys"
        >
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Key</th>
              <th className="px-3 py-2">Scopes</th>
              <th className="px-3 py-2">Created</th>
              <th className="px-3 py-2">Last used</th>
              <th className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-slate-600">
                  No keys yet. Create one above.
                </td>
              </tr>
            ) : (
              keys.map((k) => (
                <tr key={k.id} className="border-t border-slate-100">
                  <td className="px-3 py-2">{k.name}</td>
                  <td className="px-3 py-2 font-mono">{k.prefix}…</td>
                  <td className="px-3 py-2">
                    <span className="flex flex-wrap gap-1">
                      {k.scopes.map((s) => (
                        <Badge key={s}>{s}</Badge>
                      ))}
                    </span>
                  </td>
                  <td className="px-3 py-2">
                    {formatDateTime(k.createdAt)}
                    {k.createdBy ? <span className="text-slate-600"> by {k.createdBy}</span> : null}
                  </td>
                  <td className="px-3 py-2">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}</td>
                  <td className="px-3 py-2">
                    {k.revokedAt ? (
                      <Badge tone="danger">revoked {formatDateTime(k.revokedAt)}</Badge>
                    ) : (
                      <RevokeApiKeyButton id={k.id} name={k.name} />
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

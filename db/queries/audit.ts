import type { Db } from "../client";
import { auditLog } from "../schema";

export interface AuditEntry {
  actorId?: string | null;
  actorType: "user" | "api_key" | "system";
  action: string;
  entityType: string;
  entityId?: string | null;
  data?: Record<string, unknown>;
}

export async function recordAudit(db: Pick<Db, "insert">, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

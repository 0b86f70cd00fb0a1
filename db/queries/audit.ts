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

/** The insert of one audit entry, to run (or send along with others) inside the change it records. */
export function auditInsert(db: Pick<Db, "insert">, entry: AuditEntry) {
  return db.insert(auditLog).values(entry);
}

export async function recordAudit(db: Pick<Db, "insert">, entry: AuditEntry): Promise<void> {
  await auditInsert(db, entry);
}

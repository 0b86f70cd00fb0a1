import { asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, users } from "../schema";

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

/** Every audit entry about a ticket or its actions, oldest first, with the actor's name. */
export async function listAuditForTicket(db: Db, ticketId: string, actionIds: string[]) {
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      actorType: auditLog.actorType,
      actor: users.name,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      or(
        inArray(auditLog.entityId, [ticketId, ...actionIds]),
        sql`${auditLog.data}->>'ticketId' = ${ticketId}`,
      ),
    )
    .orderBy(asc(auditLog.createdAt), asc(auditLog.id));
}

export type TicketAuditEntry = Awaited<ReturnType<typeof listAuditForTicket>>[number];

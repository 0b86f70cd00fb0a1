import type PgBoss from "pg-boss";
import type { Db } from "@/db/client";
import { env } from "@/lib/env";
import { sweepSla } from "@/lib/routing/sla";

/**
 * Runs the SLA sweep (lib/routing/sla.ts) now and every SLA_SWEEP_SECONDS while this process
 * works the queues, until the queue stops. Two processes sweeping at once is safe; a sweep still
 * waiting for the database is not started again beside itself.
 */
export function startSlaSweeps(db: Db, boss: PgBoss): void {
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      const done = await sweepSla(db);
      if (done.moved + done.flagged + done.escalated > 0) {
        console.log(
          `SLA sweep: ${done.moved} moved to an overflow group, ${done.flagged} flagged, ${done.escalated} escalated past the hard limit`,
        );
      }
    } catch (error) {
      console.error("SLA sweep:", error instanceof Error ? error.message : error);
    } finally {
      sweeping = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), env().SLA_SWEEP_SECONDS * 1000);
  timer.unref();
  boss.on("stopped", () => clearInterval(timer));
}

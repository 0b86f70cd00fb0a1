import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";

export interface DemoRemoval {
  tickets: number;
  runs: number;
  steps: number;
  actions: number;
  reviews: number;
  deliveries: number;
  auditEntries: number;
}

/**
 * Deletes every demo record in one transaction: the demo tickets and everything
 * that hangs off them (runs, steps, actions, reviews, outbox rows, by
 * cascade), any other run or review marked demo, and the audit entries of the
 * demo decisions (no person made them). The accounts, customers, orders,
 * knowledge base and policy versions stay: they are the seed the app runs
 * on, and real tickets may refer to them. Returns what was deleted.
 */
export async function removeDemoData(db: Db): Promise<DemoRemoval> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      create temp table demo_runs on commit drop as
      select id from agent_runs where demo or ticket_id in (select id from tickets where demo)`);
    await tx.execute(sql`
      create temp table demo_actions on commit drop as
      select id from agent_actions where run_id in (select id from demo_runs)
        or ticket_id in (select id from tickets where demo)`);
    const [counts] = rowsOf<DemoRemoval>(
      await tx.execute(sql`
        select (select count(*) from tickets where demo)::int as tickets,
               (select count(*) from demo_runs)::int as runs,
               (select count(*) from agent_steps where run_id in (select id from demo_runs))::int as steps,
               (select count(*) from demo_actions)::int as actions,
               (select count(*) from reviews where demo or action_id in (select id from demo_actions))::int as reviews,
               (select count(*) from outbox where action_id in (select id from demo_actions)
                  or ticket_id in (select id from tickets where demo))::int as deliveries,
               (select count(*) from audit_log where entity_type = 'agent_action'
                  and entity_id in (select id::text from demo_actions))::int as "auditEntries"`),
    );
    await tx.execute(sql`
      delete from audit_log where entity_type = 'agent_action' and entity_id in (select id::text from demo_actions)`);
    await tx.execute(sql`delete from reviews where demo`);
    await tx.execute(sql`delete from agent_runs where id in (select id from demo_runs)`);
    await tx.execute(sql`delete from tickets where demo`);
    return Object.fromEntries(
      Object.entries(counts ?? {}).map(([k, v]) => [k, Number(v)]),
    ) as unknown as DemoRemoval;
  });
}

import { describe, expect, it } from "vitest";
import { sweepSla } from "@/lib/routing/sla";
import { availableDrivers, useTestDatabase } from "@/test/db";
import { insertGroup, insertPerson, insertWaitingAction } from "@/test/sla-fixture";
import { loadQueue } from "./queue";

describe.each(availableDrivers())("queue SLA flags on %s", (driver) => {
  const database = useTestDatabase(driver);

  it("judges a row by its group's target, the global one without a group, and badges SLA moves", async () => {
    const { db } = database;
    const leads = await insertGroup(db, { name: "Leads" });
    const frontline = await insertGroup(db, { name: "Frontline", slaMinutes: 60, overflowGroupId: leads });
    const admin = { ...(await insertPerson(db, "Ada Admin")), role: "admin" as const };
    const ids = {
      fresh: (await insertWaitingAction(db, { groupId: frontline, ageMinutes: 30 })).id,
      moved: (await insertWaitingAction(db, { groupId: frontline, ageMinutes: 90 })).id,
      unroutedLate: (await insertWaitingAction(db, { groupId: null, ageMinutes: 300 })).id,
      unroutedFresh: (await insertWaitingAction(db, { groupId: null, ageMinutes: 90 })).id,
      leadsOld: (await insertWaitingAction(db, { groupId: leads, ageMinutes: 600 })).id,
    };
    await sweepSla(db);
    const page = await loadQueue(db, {}, admin, { slaMinutes: 240 });
    const row = (id: string) => page.items.find((i) => i.id === id);
    expect(row(ids.fresh)).toMatchObject({ overSla: false, slaBreached: false, slaMovedFrom: null });
    expect(row(ids.moved)).toMatchObject({ overSla: true, slaBreached: true, slaMovedFrom: "Frontline" });
    expect(row(ids.unroutedLate)).toMatchObject({ overSla: true, slaBreached: false });
    expect(row(ids.unroutedFresh)).toMatchObject({ overSla: false });
    // A group without a target (the leads) has no SLA to be over.
    expect(row(ids.leadsOld)).toMatchObject({ overSla: false, slaBreached: false });
  });
});

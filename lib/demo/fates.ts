export type Fate = "new" | "pending" | "decided";

/**
 * What happens to each ticket, oldest first: walking from the newest, tickets
 * take turns being left new, left pending and decided until both quotas are
 * met; everything older is decided. So the last couple of weeks look like a
 * live queue (some of each, every day) and decisions, hence the charts, run
 * up to today instead of stopping where the backlog begins.
 */
export function assignFates(count: number, leaveNew: number, leavePending: number): Fate[] {
  const fates: Fate[] = Array.from({ length: count }, () => "decided");
  let newLeft = leaveNew;
  let pendingLeft = leavePending;
  let turn = 0;
  for (let i = count - 1; i >= 0 && (newLeft > 0 || pendingLeft > 0); i--, turn++) {
    const slot = turn % 3;
    if (slot === 0 && newLeft > 0) {
      fates[i] = "new";
      newLeft--;
    } else if (slot === 1 && pendingLeft > 0) {
      fates[i] = "pending";
      pendingLeft--;
    } else if (slot !== 2 && (newLeft > 0 || pendingLeft > 0)) {
      // One quota is used up: the other takes this turn.
      fates[i] = newLeft > 0 ? "new" : "pending";
      if (newLeft > 0) newLeft--;
      else pendingLeft--;
    }
  }
  return fates;
}

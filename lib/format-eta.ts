/** How long the rest of a job will take, from how fast its done part went; null until there is a pace to go by. */
export function secondsLeft(progress: { done: number; total: number; elapsedMs: number }): number | null {
  const { done, total, elapsedMs } = progress;
  if (total <= 0 || done <= 0 || elapsedMs <= 0) return null;
  if (done >= total) return 0;
  return Math.ceil(((total - done) * elapsedMs) / done / 1000);
}

/** "about 20 s left", "about 3 min left", "" when unknown or finished: one phrasing for every progress bar. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || seconds <= 0) return "";
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds / 5) * 5 || seconds)} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  return `about ${hours} h ${minutes % 60} min left`;
}

/** "412 of 1,000 rows · about 20 s left": the count and, when known, the estimate. */
export function progressText(done: number, total: number, unit: string, eta = ""): string {
  const n = (v: number) => v.toLocaleString("en-US");
  return `${n(done)} of ${n(total)} ${unit}${eta ? ` · ${eta}` : ""}`;
}

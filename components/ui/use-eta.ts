"use client";

import { useRef } from "react";
import { formatEta, secondsLeft } from "@/lib/format-eta";

/**
 * The time left for a count moving towards `total`, paced from what this page
 * saw move (the browser's clock only, so a skewed server clock does not matter).
 */
export function useEta(done: number, total: number, active: boolean): string {
  const first = useRef<{ at: number; done: number } | null>(null);
  if (!active) {
    first.current = null;
    return "";
  }
  if (first.current === null) first.current = { at: Date.now(), done };
  const start = first.current;
  return formatEta(
    secondsLeft({ done: done - start.done, total: total - start.done, elapsedMs: Date.now() - start.at }),
  );
}

"use client";

import { useEffect } from "react";

/**
 * Releases waiting to be sent, per action: a remount straight after an unmount
 * (React runs effects twice in development) cancels its own release.
 */
const scheduled = new Map<string, ReturnType<typeof setTimeout>>();

function sendRelease(actionId: string): void {
  // `keepalive` lets the request outlive the page; JSON from this origin, as the API's CSRF check asks.
  void fetch(`/api/v1/actions/${encodeURIComponent(actionId)}/release`, {
    method: "POST",
    keepalive: true,
    headers: { "content-type": "application/json" },
    body: "{}",
  }).catch((error: unknown) => {
    // The claim's lease still runs out by itself; say why it was not given back now.
    console.warn("Could not release the claim on leaving:", error);
  });
}

/** While the reviewer holds the action, leaving it (another page, closing the tab) gives the claim back. */
export function useReleaseOnLeave(actionId: string, held: boolean): void {
  useEffect(() => {
    if (!held) return;
    const pending = scheduled.get(actionId);
    if (pending) {
      clearTimeout(pending);
      scheduled.delete(actionId);
    }
    const onPageHide = () => sendRelease(actionId);
    window.addEventListener("pagehide", onPageHide);
    return () => {
      window.removeEventListener("pagehide", onPageHide);
      scheduled.set(
        actionId,
        setTimeout(() => {
          scheduled.delete(actionId);
          sendRelease(actionId);
        }, 0),
      );
    };
  }, [actionId, held]);
}

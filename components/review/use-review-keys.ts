"use client";

import { useEffect, useRef } from "react";
import { modalOpen } from "./hotkey-guards";

const NOT_TEXT = new Set([
  "radio",
  "checkbox",
  "button",
  "submit",
  "reset",
  "range",
  "color",
  "file",
  "image",
]);

/**
 * A key press meant for a text field, not for the review keys. A click on a
 * rating, a tag or a button leaves focus on a control that types nothing, so
 * the keys keep working after any mouse click outside text fields.
 */
export function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NOT_TEXT.has(target.type);
}

/**
 * Single-key review shortcuts, matched on the character typed (`event.key`),
 * so "?" works on any keyboard layout. Handlers are read at the time of the
 * key press, so they always see the current state.
 */
export function useReviewKeys(handlers: Record<string, () => void>, enabled = true) {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing)
        return;
      if (typingInField(event.target) || modalOpen()) return;
      const handler = current.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}

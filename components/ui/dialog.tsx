"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

/** A modal dialog (native <dialog>): Escape and the Close button close it; focus returns where it was. */
export function Dialog({
  open,
  onClose,
  title,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto max-h-[85vh] w-[min(48rem,calc(100vw-2rem))] overflow-y-auto rounded-lg p-5 shadow-xl backdrop:bg-black/30"
    >
      <div className="flex items-start gap-3">
        <h2 id={titleId} className="min-w-0 flex-1 text-lg font-semibold break-words">
          {title}
        </h2>
        <button
          type="button"
          onClick={onClose}
          className="rounded border border-slate-300 px-2 py-0.5 text-sm"
        >
          Close
        </button>
      </div>
      <div className="mt-3">{open ? children : null}</div>
    </dialog>
  );
}

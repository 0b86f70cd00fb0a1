"use client";

import { useEffect, useRef } from "react";

export type Shortcut = [key: string, what: string];

const REVIEW_SHORTCUTS: Shortcut[] = [
  ["j / k", "move down / up the queue"],
  ["Enter", "start reviewing the selected action (claims it, then opens it)"],
  ["n", "claim and open the next unclaimed action"],
  ["a", "approve the action as is"],
  ["e", "edit the reply, then approve"],
  ["x", "escalate to a team"],
  ["r", "reject with a reason"],
  ["1 – 5", "rate the proposal"],
  ["h p c i t s d o", "toggle a reason tag (the letter is shown beside each tag)"],
  ["?", "show or hide these shortcuts"],
];

/** The keyboard shortcuts (the queue's and review's unless told), in a modal dialog that "?" toggles. */
export function ShortcutsHelp({
  open,
  onClose,
  shortcuts = REVIEW_SHORTCUTS,
}: {
  open: boolean;
  onClose: () => void;
  shortcuts?: Shortcut[];
}) {
  const ref = useRef<HTMLDialogElement>(null);
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
      aria-labelledby="shortcuts-title"
      className="m-auto rounded-lg p-6 shadow-xl backdrop:bg-black/30"
    >
      <h2 id="shortcuts-title" className="text-lg font-semibold">
        Keyboard shortcuts
      </h2>
      <table className="mt-3 text-sm">
        <tbody>
          {shortcuts.map(([key, what]) => (
            <tr key={key}>
              <th scope="row" className="pr-4 text-left font-mono">
                {key}
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={onClose}
        className="mt-4 rounded border border-slate-300 px-3 py-1 text-sm"
      >
        Close
      </button>
    </dialog>
  );
}

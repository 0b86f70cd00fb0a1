"use client";

import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react";

export interface ToastInput {
  text: string;
  tone?: "ok" | "error";
  /** One button in the toast, e.g. "Undo"; the toast closes when it is pressed. */
  action?: { label: string; onPress: () => void };
  durationMs?: number;
}

interface Toast extends ToastInput {
  id: number;
}

const ToastContext = createContext<(toast: ToastInput) => void>(() => {});

/** Shows a confirmation that survives navigation (it lives above the pages), one style for the whole app. */
export function useToast() {
  return useContext(ToastContext);
}

function ToastItem({ toast, onClose }: { toast: Toast; onClose: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onClose, toast.durationMs ?? 6_000);
    return () => clearTimeout(timer);
  }, [toast.durationMs, onClose]);
  return (
    <div
      className={`flex items-start gap-3 rounded-md px-4 py-3 text-sm shadow-lg ${toast.tone === "error" ? "bg-red-800 text-white" : "bg-slate-900 text-white"}`}
    >
      <p className="min-w-0 flex-1 break-words">{toast.text}</p>
      {toast.action ? (
        <button
          type="button"
          onClick={() => {
            toast.action?.onPress();
            onClose();
          }}
          className="shrink-0 rounded bg-white px-2 py-0.5 font-medium text-slate-900"
        >
          {toast.action.label}
        </button>
      ) : null}
      <button type="button" onClick={onClose} aria-label="Dismiss" className="shrink-0 px-1 text-white">
        ×
      </button>
    </div>
  );
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const show = useCallback((toast: ToastInput) => {
    const id = nextId.current++;
    setToasts((list) => [...list.slice(-2), { ...toast, id }]);
  }, []);
  const close = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <section
        aria-label="Notifications"
        aria-live="polite"
        className="pointer-events-none fixed inset-x-2 bottom-2 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4 sm:w-96"
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.tone === "error" ? "alert" : "status"}
            className="pointer-events-auto w-full"
          >
            <ToastItem toast={toast} onClose={() => close(toast.id)} />
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}

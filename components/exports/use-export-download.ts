"use client";

import { useCallback, useRef, useState } from "react";
import { RecordCounter } from "@/lib/datasets/record-ends";

export interface DownloadState {
  status: "idle" | "downloading" | "done" | "failed";
  records: number;
  total: number;
  bytes: number;
  error?: string;
}

const IDLE: DownloadState = { status: "idle", records: 0, total: 0, bytes: 0 };

/**
 * Downloads an export with fetch, counting records as the stream arrives
 * against the total counted for the same snapshot, then saves it as a file.
 */
export function useExportDownload() {
  const [state, setState] = useState<DownloadState>(IDLE);
  const abort = useRef<AbortController | null>(null);

  const start = useCallback(async (url: string, fileName: string, total: number, csv: boolean) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setState({ status: "downloading", records: 0, total, bytes: 0 });
    try {
      const response = await fetch(url, { cache: "no-store", signal: controller.signal });
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => null);
        throw new Error(body?.error?.message ?? `The download failed (HTTP ${response.status}). Try again.`);
      }
      const expected = Number(response.headers.get("X-Record-Count") ?? total);
      const counter = new RecordCounter(csv);
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parts.push(value as Uint8Array<ArrayBuffer>);
        bytes += value.length;
        setState({ status: "downloading", records: counter.push(value), total: expected, bytes });
      }
      const blob = new Blob(parts, {
        type: response.headers.get("Content-Type") ?? "application/octet-stream",
      });
      const href = URL.createObjectURL(blob);
      const anchor = document.createElement("a");
      anchor.href = href;
      anchor.download = fileName;
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
      setState({ status: "done", records: counter.records, total: expected, bytes });
    } catch (error) {
      if (controller.signal.aborted) return;
      setState((s) => ({
        ...s,
        status: "failed",
        error: error instanceof Error ? error.message : "The download failed. Try again.",
      }));
    }
  }, []);

  return { state, start };
}

import type { Figures } from "./figures";

/**
 * How each figure is named, shown and judged, for the dashboard (and anyone
 * reading the API). Free of database code so client components can use it.
 */
export type Unit = "percent" | "count" | "ms" | "seconds" | "microUsd" | "tokens" | "distance";

export interface FigureDefinition {
  key: keyof Figures;
  label: string;
  unit: Unit;
  /** Which way is better; null when neither is (escalating is right when the ticket needs it). */
  better: "up" | "down" | null;
  help: string;
}

export const HEADLINE_FIGURES: FigureDefinition[] = [
  {
    key: "decisionQuality",
    label: "Decision quality",
    unit: "percent",
    better: "up",
    help: "Reviewed actions the person agreed with: approved as proposed, or escalated when the agent escalated.",
  },
  {
    key: "coverage",
    label: "Coverage",
    unit: "percent",
    better: "up",
    help: "Finished agent runs that produced a reply draft a person can approve.",
  },
  {
    key: "autoResolution",
    label: "Auto-resolution",
    unit: "percent",
    better: "up",
    help: "Tickets decided in the period with a reply draft approved without edit.",
  },
  {
    key: "escalationRate",
    label: "Escalation rate",
    unit: "percent",
    better: null,
    help: "Tickets decided in the period that a decision in the period escalated to a person.",
  },
  {
    key: "costPerTaskMicroUsd",
    label: "Cost per task",
    unit: "microUsd",
    better: "down",
    help: "Model cost of the runs in the period divided by the tickets they drafted.",
  },
  {
    key: "tokensPerTask",
    label: "Tokens per task",
    unit: "tokens",
    better: "down",
    help: "Input and output tokens of the runs in the period divided by the tickets they drafted.",
  },
  {
    key: "latencyP50Ms",
    label: "Agent latency p50",
    unit: "ms",
    better: "down",
    help: "Median duration of an agent run.",
  },
  {
    key: "latencyP95Ms",
    label: "Agent latency p95",
    unit: "ms",
    better: "down",
    help: "95th percentile duration of an agent run.",
  },
  {
    key: "timeToReviewP50Seconds",
    label: "Time to review p50",
    unit: "seconds",
    better: "down",
    help: "Median time from an action being proposed to a person deciding it.",
  },
  {
    key: "timeToReviewP95Seconds",
    label: "Time to review p95",
    unit: "seconds",
    better: "down",
    help: "95th percentile time from an action being proposed to a person deciding it.",
  },
  {
    key: "hallucinationRate",
    label: "Hallucination rate",
    unit: "percent",
    better: "down",
    help: "Reviewed replies whose run failed grounding verification, or that a reviewer tagged as a hallucination.",
  },
  {
    key: "editRate",
    label: "Edit rate",
    unit: "percent",
    better: "down",
    help: "Reviewed replies a person edited before approving.",
  },
  {
    key: "meanEditDistance",
    label: "Mean edit distance",
    unit: "distance",
    better: "down",
    help: "How much the edited replies changed: 0 = unchanged, 1 = rewritten (edits only).",
  },
  {
    key: "reviewedActions",
    label: "Reviewed actions",
    unit: "count",
    better: null,
    help: "Human decisions made in the period.",
  },
  {
    key: "autopilotApproved",
    label: "Auto-approved",
    unit: "count",
    better: null,
    help: "Actions the autopilot approved in an earned category, without a person: never counted as reviewed or agreed.",
  },
  {
    key: "ticketsDecided",
    label: "Tickets decided",
    unit: "count",
    better: null,
    help: "Tickets a person made a decision on in the period.",
  },
  {
    key: "runs",
    label: "Agent runs",
    unit: "count",
    better: null,
    help: "Finished agent runs started in the period.",
  },
];

const NONE = "—";

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(seconds < 600 ? 1 : 0)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A figure as people read it; "—" when it is undefined (nothing to divide by). */
export function formatFigure(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  switch (unit) {
    case "percent":
      return `${(value * 100).toFixed(1)} %`;
    case "count":
      return Math.round(value).toLocaleString("en-US");
    case "tokens":
      return Math.round(value).toLocaleString("en-US");
    case "ms":
      return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
    case "seconds":
      return duration(value);
    case "microUsd":
      return `$${(value / 1_000_000).toFixed(value >= 10_000_000 ? 2 : 4)}`;
    case "distance":
      return value.toFixed(2);
  }
}

export interface Change {
  /** "+2.1 pts", "−120 ms", "no change", or "—" when either side is undefined. */
  text: string;
  /** Whether the change is good, bad or neither, by the figure's `better`. */
  tone: "good" | "bad" | "neutral";
}

/** The change from the previous period, in the figure's own unit (percentage points for rates). */
export function describeChange(
  current: number | null | undefined,
  previous: number | null | undefined,
  definition: Pick<FigureDefinition, "unit" | "better">,
): Change {
  if (current === null || current === undefined || previous === null || previous === undefined) {
    return { text: NONE, tone: "neutral" };
  }
  const delta = current - previous;
  if (Math.abs(delta) < 1e-12) return { text: "no change", tone: "neutral" };
  const sign = delta > 0 ? "+" : "−";
  const size = Math.abs(delta);
  const text =
    definition.unit === "percent"
      ? `${sign}${(size * 100).toFixed(1)} pts`
      : `${sign}${formatFigure(size, definition.unit)}`;
  const tone =
    definition.better === null ? "neutral" : delta > 0 === (definition.better === "up") ? "good" : "bad";
  return { text, tone };
}

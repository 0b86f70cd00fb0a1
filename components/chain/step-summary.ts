import type { Step } from "@/db/queries/runs";

type Obj = Record<string, unknown>;

const obj = (value: unknown): Obj => (value && typeof value === "object" ? (value as Obj) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const TOOL_VERBS: Record<string, (input: Obj, output: Obj) => string> = {
  search_knowledge_base: (i, o) =>
    `Searched the knowledge base for '${str(i.query) ?? "…"}' — ${plural(list(o.articles).length, "article")}`,
  lookup_customer: (i, o) => {
    const who = str(i.email) ?? str(i.customerId) ?? "the customer";
    const found = obj(o.customer);
    return found.name
      ? `Looked up ${who} — ${String(found.name)} (${String(found.tier ?? "")})`
      : `Looked up ${who} — no match`;
  },
  lookup_orders: (i, o) =>
    `Looked up ${str(i.orderNumber) ? `order ${str(i.orderNumber)}` : `the orders of ${str(i.customerEmail) ?? "the customer"}`} — ${plural(list(o.orders).length, "order")}`,
  get_ticket_history: (_i, o) =>
    `Read the customer's earlier tickets — ${plural(list(o.tickets).length, "ticket")}`,
  draft_reply: (i) => {
    const words = (str(i.text) ?? "").split(/\s+/).filter(Boolean).length;
    return `Drafted a reply — ${plural(words, "word")}, ${plural(list(i.citations).length, "citation")}`;
  },
  escalate_to_human: (i) =>
    `Proposed an escalation to ${str(i.team) ?? "a team"} (${str(i.urgency) ?? "normal"})`,
  issue_refund: (i) => `Proposed a refund on ${str(i.orderNumber) ?? "an order"}`,
};

function guardrail(step: Step): string {
  const out = obj(step.output);
  if (out.blocked)
    return `Blocked ${str(obj(step.input).tool) ?? "a call"}: ${String(out.rule)} — ${String(out.reason)}`;
  if (out.escalationRequired)
    return `${String(out.rule)} requires escalation to ${String(out.team)} (matched “${String(out.matched)}”)`;
  if (out.failedClosed) return `Policy failed closed: ${String(out.error)}`;
  if (out.escalated) return String(out.reason);
  return step.name;
}

function modelCall(step: Step): string {
  const parts = list(step.output).map(obj);
  const calls = parts.filter((p) => p.tool).map((p) => String(p.tool));
  const wrote = parts.some((p) => str(p.text));
  const what = [calls.length ? `called ${calls.join(", ")}` : "", wrote ? "wrote text" : ""].filter(Boolean);
  return `${step.kind === "plan" ? "Planned" : "Reflected"}: ${what.length ? what.join(" and ") : "no tool call"}`;
}

/** The triage reading in words: intent, risk category and in-scope score with their confidences. */
function triage(out: Obj): string {
  const pct = (p: unknown) => `${Math.round((typeof p === "number" ? p : 0) * 100)} %`;
  return `Triage: intent ${str(out.intent) ?? "unknown"} (${pct(out.intentConfidence)}), risk ${str(out.category) ?? "none"} (${pct(out.categoryConfidence)}), in scope ${pct(out.inScope)}`;
}

/** One plain line saying what a step of the decision chain did, read from its stored input and output. */
export function summarizeStep(step: Step): string {
  const input = obj(step.input);
  const output = obj(step.output);
  switch (step.kind) {
    case "route":
      return `Routed to ${str(output.model) ?? "a model"} (${str(output.rule) ?? "no rule"})`;
    case "plan":
    case "reflection":
      return modelCall(step);
    case "tool_call": {
      const verb = TOOL_VERBS[step.name];
      return verb ? verb(input, output) : `Called ${step.name}`;
    }
    case "guardrail":
      return guardrail(step);
    case "verification":
      return `${output.passed ? "Passed" : "Failed"} ${step.name}${str(output.detail) ? ` — ${str(output.detail)}` : ""}`;
    case "recovery":
      return output.backoffMs != null
        ? `${step.name}: ${str(input.error) ?? "the model failed"}; waiting ${String(output.backoffMs)} ms`
        : `${step.name}${str(output.reason) ? ` — ${str(output.reason)}` : ""}`;
    case "cache":
      if (output.reusedRun) return "Reused an identical earlier decision";
      if (output.reason) return `Did not reuse an earlier decision — ${String(output.reason)}`;
      return step.name;
    case "triage":
      return triage(output);
    case "error":
      return `${step.name} failed: ${str(output.error) ?? "unknown error"}`;
    default:
      return step.name;
  }
}

/** A step whose outcome a reviewer must see: a guardrail, a failed check, an error. */
export function stepStandsOut(step: Step): "danger" | "check" | "warn" | null {
  if (step.kind === "guardrail" || step.kind === "error") return "danger";
  if (step.kind === "verification") return obj(step.output).passed === false ? "danger" : "check";
  if (step.kind === "recovery") return "warn";
  return null;
}

import type { AgentShape } from "@/lib/guardrails/shape";
import type { RuleForm } from "./rule-form";

/** What the editor holds: compared with the last saved state to say what is unsaved. */
export interface EditorSnapshot {
  forms: RuleForm[];
  instructions: string;
  agentShape: AgentShape;
  note: string;
}

const content = ({ key: _key, ...rest }: RuleForm) => JSON.stringify(rest);

/** The unsaved changes in words, e.g. ["planner instructions", "rule 3 (Legal threats)", "1 rule added"]. */
export function unsavedChanges(saved: EditorSnapshot, now: EditorSnapshot): string[] {
  const out: string[] = [];
  if (saved.instructions !== now.instructions) out.push("planner instructions");
  if (saved.agentShape !== now.agentShape) out.push("agent shape");
  const before = new Map(saved.forms.map((f) => [f.key, content(f)]));
  const after = new Set(now.forms.map((f) => f.key));
  let added = 0;
  for (const [i, form] of now.forms.entries()) {
    const was = before.get(form.key);
    if (was === undefined) added++;
    else if (was !== content(form))
      out.push(`rule ${i + 1}${form.name.trim() ? ` (${form.name.trim()})` : ""}`);
  }
  const removed = saved.forms.filter((f) => !after.has(f.key)).length;
  if (added) out.push(`${added} rule${added === 1 ? "" : "s"} added`);
  if (removed) out.push(`${removed} rule${removed === 1 ? "" : "s"} removed`);
  const order = (forms: RuleForm[]) => forms.map((f) => f.key).filter((k) => before.has(k) && after.has(k));
  if (order(saved.forms).join() !== order(now.forms).join()) out.push("rule order");
  if (saved.note !== now.note) out.push("change note");
  return out;
}

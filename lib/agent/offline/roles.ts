/** The part of a conversation a role's answer reads. */
export interface RoleConversation {
  ticket: { fromEmail: string; subject: string; body: string } | null;
  exchanges: { toolName: string; input: unknown; output: unknown }[];
}

export type RoleCall = { toolName: string; input: Record<string, unknown> };

function outputs(conv: RoleConversation, tool: string): unknown[] {
  return conv.exchanges.filter((e) => e.toolName === tool).map((e) => e.output);
}

/** validate_input: look the customer up once, then say whether there is a request to act on. */
export function validateInput(conv: RoleConversation): { calls: RoleCall[]; text?: string } {
  const ticket = conv.ticket;
  if (!ticket)
    return { calls: [], text: JSON.stringify({ valid: false, reason: "No ticket in the prompt." }) };
  if (outputs(conv, "lookup_customer").length === 0)
    return { calls: [{ toolName: "lookup_customer", input: { email: ticket.fromEmail } }] };
  const words = `${ticket.subject} ${ticket.body}`.split(/\s+/).filter((w) => /\w/.test(w)).length;
  return {
    calls: [],
    text: JSON.stringify(
      words >= 2
        ? { valid: true, reason: `A request of ${words} words from ${ticket.fromEmail}.` }
        : { valid: false, reason: "The ticket has no request in it." },
    ),
  };
}

/** analyst: the brief after its lookups, naming what was found. */
export function analystBrief(conv: RoleConversation): string {
  const customer = (
    outputs(conv, "lookup_customer").at(-1) as { customer?: { name?: string; tier?: string } }
  )?.customer;
  const orders = outputs(conv, "lookup_orders").flatMap(
    (o) => (o as { orders?: { number: string; status: string }[] })?.orders ?? [],
  );
  const articles = outputs(conv, "search_knowledge_base").flatMap(
    (o) => (o as { articles?: { slug: string }[] })?.articles ?? [],
  );
  return [
    `Customer: ${customer ? `${customer.name ?? "unknown"} (${customer.tier ?? "standard"})` : "not found"}.`,
    `Orders: ${orders.length ? orders.map((o) => `${o.number} ${o.status}`).join(", ") : "none found"}.`,
    `Articles: ${articles.length ? articles.map((a) => a.slug).join(", ") : "none found"}.`,
  ].join("\n");
}

/**
 * manager: analyst, then writer, then reviewer; a draft the reviewer passes
 * goes to people; one revision with the reviewer's reasons, then escalation.
 */
export function managerNext(conv: RoleConversation): { calls: RoleCall[]; text?: string } {
  const stopped = conv.exchanges.some((e) => (e.output as { stopped?: boolean })?.stopped === true);
  if (stopped) return { calls: [], text: "A sub-agent stopped; recovery takes over." };
  const written = outputs(conv, "delegate_to_writer").length;
  const reviews = outputs(conv, "delegate_to_reviewer") as { verdict?: string; reasons?: string[] }[];
  if (outputs(conv, "delegate_to_analyst").length === 0)
    return {
      calls: [{ toolName: "delegate_to_analyst", input: { question: "What does this ticket need?" } }],
    };
  if (written === 0) return { calls: [{ toolName: "delegate_to_writer", input: { notes: "" } }] };
  if (reviews.length < written) return { calls: [{ toolName: "delegate_to_reviewer", input: {} }] };
  const last = reviews.at(-1);
  if (last?.verdict === "pass")
    return { calls: [], text: "The reviewer passed the proposal: it goes to a person." };
  const reasons = (last?.reasons ?? []).join(" ").slice(0, 1_500);
  if (written < 2) return { calls: [{ toolName: "delegate_to_writer", input: { notes: reasons } }] };
  return {
    calls: [
      {
        toolName: "escalate_to_human",
        input: {
          reason: `The reviewer agent did not pass the draft after one revision: ${reasons}`.slice(0, 2_000),
          team: "support",
          urgency: "normal",
          ruleIds: [],
        },
      },
    ],
  };
}

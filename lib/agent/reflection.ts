import { z } from "zod";

/** The reflection step's answer: "revise" earns the draft one revision round. */
const verdictSchema = z.object({
  verdict: z.enum(["ok", "revise"]),
  notes: z.array(z.string().max(500)).max(10).catch([]),
});

/** The reflection's verdict, or null when the answer is not one (it is then ignored). */
export function readVerdict(text: string): z.infer<typeof verdictSchema> | null {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (!json) return null;
  try {
    const parsed = verdictSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

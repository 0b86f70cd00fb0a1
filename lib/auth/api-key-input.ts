import { z } from "zod";
import { API_KEY_SCOPES } from "./scopes";

/** A new key's name and scopes, as the API keys page and `npm run apikey:create` take them. */
export const apiKeyInputSchema = z.object({
  name: z
    .string({ error: "Give the key a name, e.g. the system that will use it." })
    .trim()
    .min(1, "Give the key a name, e.g. the system that will use it.")
    .max(100, "Keep the name under 100 characters."),
  scopes: z
    .array(
      z.enum(API_KEY_SCOPES, {
        error: (issue) =>
          `Unknown scope ${JSON.stringify(issue.input)}: choose from ${API_KEY_SCOPES.join(", ")}.`,
      }),
    )
    .min(1, `Choose at least one scope: ${API_KEY_SCOPES.join(", ")}.`)
    .transform((scopes) => [...new Set(scopes)]),
});

export type ApiKeyInput = z.infer<typeof apiKeyInputSchema>;

/** `--name NAME --scopes a,b` from the command line; throws a message that says how to call it. */
export function parseApiKeyArgs(argv: string[]): ApiKeyInput {
  const usage =
    "Usage: npm run apikey:create -- --name NAME --scopes " +
    `${API_KEY_SCOPES.join(",")}  (one or more of: ${API_KEY_SCOPES.join(", ")})`;
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const match = /^--(name|scopes)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unknown argument ${JSON.stringify(arg)}.\n${usage}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value.startsWith("--"))
      throw new Error(`--${match[1]} needs a value.\n${usage}`);
    values[match[1] as string] = value;
  }
  if (values.name === undefined) throw new Error(`--name is required.\n${usage}`);
  if (values.scopes === undefined) throw new Error(`--scopes is required.\n${usage}`);
  const parsed = apiKeyInputSchema.safeParse({
    name: values.name,
    scopes: values.scopes
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  });
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => i.message).join("\n")}\n${usage}`);
  return parsed.data;
}

import { RE2JS } from "re2js";

/**
 * Policy patterns (escalate_regex and every rule's `unless`) run on RE2
 * (re2js, pure JavaScript): matching takes time linear in the ticket's length
 * whatever the pattern, so a pattern such as `(a+)+$` cannot hold the server.
 * The editor's validation, the dry-run and the agent all compile patterns here,
 * so a pattern is accepted only if the engine that runs it can.
 */

export type PatternProblem = { kind: "syntax"; detail: string } | { kind: "unsupported"; construct: string };

export type CompiledPattern = { ok: true; re: RE2JS } | { ok: false; problem: PatternProblem };

export interface PatternMatch {
  index: number;
  text: string;
}

/** Constructs RE2 refuses, named in words an admin can act on (RE2's own messages are terse). */
const UNSUPPORTED: { test: RegExp; construct: string }[] = [
  { test: /(?<!\\)\(\?<?[=!]/, construct: "look-ahead or look-behind ((?=…), (?!…), (?<=…), (?<!…))" },
  { test: /\\[1-9]|\\k</, construct: "back-references (\\1, \\k<name>)" },
  { test: /(?<!\\)\(\?>/, construct: "atomic groups ((?>…))" },
];

const cache = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 500;

/** Escapes inside character classes and after a backslash are not constructs: strip `\\` pairs first. */
function withoutEscapedBackslashes(pattern: string): string {
  return pattern.replaceAll("\\\\", "");
}

/** Compiles a pattern case-insensitively (as rules have always matched), or says why it cannot run. */
export function compilePattern(pattern: string): CompiledPattern {
  const known = cache.get(pattern);
  if (known) return known;
  let compiled: CompiledPattern;
  const plain = withoutEscapedBackslashes(pattern);
  const unsupported = UNSUPPORTED.find((u) => u.test.test(plain));
  if (unsupported) {
    compiled = { ok: false, problem: { kind: "unsupported", construct: unsupported.construct } };
  } else {
    try {
      compiled = { ok: true, re: RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE) };
    } catch (error) {
      // "error parsing regexp: missing closing ): `a(b`" -> "missing closing )"
      const message = error instanceof Error ? error.message : "";
      const detail = message.replace(/^error parsing regexp: /, "").replace(/: `[\s\S]*`$/, "");
      compiled = { ok: false, problem: { kind: "syntax", detail } };
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/**
 * Why a pattern cannot be used, as a sentence for the policy editor, or null
 * when it can. `subject` names the field ("The pattern", "The exception").
 */
export function patternProblem(pattern: string, subject = "The pattern"): string | null {
  const compiled = compilePattern(pattern);
  if (compiled.ok) return null;
  const { problem } = compiled;
  if (problem.kind === "syntax")
    return `${subject} is not a valid regular expression${problem.detail ? ` (${problem.detail})` : ""}.`;
  return (
    `${subject} uses ${problem.construct}, which the linear-time engine (RE2) cannot run. ` +
    "Patterns run in time proportional to the ticket's length so that no ticket can stall the server: rewrite it without them."
  );
}

/**
 * The first match in `text`, or null. A pattern that cannot run never matches
 * here: saved policies are validated with the same engine, and a stored policy
 * that fails validation is loaded fail-closed (see policy.ts).
 */
export function findPattern(pattern: string, text: string): PatternMatch | null {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) return null;
  const matcher = compiled.re.matcher(text);
  if (!matcher.find()) return null;
  const index = matcher.start();
  return { index, text: text.slice(index, matcher.end()) };
}

export function testPattern(pattern: string, text: string): boolean {
  return findPattern(pattern, text) !== null;
}

-- Steps recorded before the typed chain columns: their check, round and result from the stored name
-- and output, and the exhausted budget from the budget step's output.
UPDATE "agent_steps"
SET "check_name" = regexp_replace("name", '^repair: ', ''),
    "round" = CASE WHEN "name" LIKE 'repair: %' THEN 1 ELSE 0 END,
    "passed" = ("output"->>'passed')::boolean
WHERE "kind" = 'verification' AND "check_name" IS NULL
  AND regexp_replace("name", '^repair: ', '') IN ('citations_present', 'citations_valid', 'facts_grounded',
    'no_blocked_topic', 'required_escalations', 'customer_scope', 'no_instruction_leak', 'customer_text_quoted');
--> statement-breakpoint
UPDATE "agent_steps"
SET "budget" = replace("output"->>'budget', ' ', '_')
WHERE "kind" = 'guardrail' AND "name" = 'invariant:budget-exhausted' AND "budget" IS NULL
  AND "output"->>'budget' IN ('steps', 'tokens', 'wall time');
--> statement-breakpoint
-- Replies set aside by verification before the typed column: the check from their stored block.
UPDATE "agent_actions"
SET "blocked_check" = substring("blocked_by" from 8)
WHERE "blocked_by" LIKE 'verify:%' AND "blocked_check" IS NULL
  AND substring("blocked_by" from 8) IN ('citations_present', 'citations_valid', 'facts_grounded',
    'no_blocked_topic', 'required_escalations', 'customer_scope', 'no_instruction_leak', 'customer_text_quoted');

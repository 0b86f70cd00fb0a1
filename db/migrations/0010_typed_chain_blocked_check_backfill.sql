-- Replies set aside by verification before the typed column: the check from their stored block.
UPDATE "agent_actions"
SET "blocked_check" = substring("blocked_by" from 8)
WHERE "blocked_by" LIKE 'verify:%' AND "blocked_check" IS NULL
  AND substring("blocked_by" from 8) IN ('citations_present', 'citations_valid', 'facts_grounded',
    'no_blocked_topic', 'required_escalations', 'customer_scope', 'no_instruction_leak', 'customer_text_quoted');

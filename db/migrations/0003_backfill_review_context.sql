-- Reviews made before 0002 take their action's kind and proposal time, and its run's model and policy version.
UPDATE "reviews" AS v
SET "action_kind" = a."kind", "run_id" = a."run_id", "proposed_at" = a."created_at",
    "model" = r."model", "policy_version_id" = r."policy_version_id"
FROM "agent_actions" AS a
JOIN "agent_runs" AS r ON r."id" = a."run_id"
WHERE a."id" = v."action_id" AND v."action_kind" IS NULL;

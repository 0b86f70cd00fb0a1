-- Custom SQL migration file, put your code below! --
-- The per-rule "fired" figure now counts runs (lib/metrics/rule-fired.ts), not guardrail steps:
-- stored days computed the old way are dropped and recomputed on the next read.
DELETE FROM "metric_rollups" WHERE "kind" = 'rule';

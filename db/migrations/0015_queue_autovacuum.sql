-- The review queue reads agent_actions and tickets oldest first, and every claim and decision
-- leaves a dead row version at the head of those reads. PostgreSQL's default vacuums a table after
-- 20 % of its rows changed: 200,000 with a million undecided actions, so the queue's first pages
-- and counts would walk ever more dead index entries in between. These tables are vacuumed after
-- 2 % instead (and analysed after 5 %); PGlite, which has no autovacuum, keeps the setting unused.
ALTER TABLE "agent_actions" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.05);--> statement-breakpoint
ALTER TABLE "tickets" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.05);

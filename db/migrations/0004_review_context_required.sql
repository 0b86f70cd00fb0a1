DROP INDEX "agent_actions_run_idx";--> statement-breakpoint
ALTER TABLE "reviews" ALTER COLUMN "action_kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ALTER COLUMN "run_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ALTER COLUMN "proposed_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ALTER COLUMN "model" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "agent_actions_undecided_count_idx" ON "agent_actions" USING btree ("kind","status") WHERE "agent_actions"."status" in ('pending_review', 'blocked');--> statement-breakpoint
CREATE INDEX "agent_actions_run_kind_idx" ON "agent_actions" USING btree ("run_id","kind","blocked_by");--> statement-breakpoint
CREATE INDEX "reviews_metrics_idx" ON "reviews" USING btree ("created_at","action_kind","decision","ticket_id","run_id","proposed_at","edit_distance","model","policy_version_id","reason_tags");
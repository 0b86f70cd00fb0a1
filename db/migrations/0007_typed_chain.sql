DROP INDEX "agent_steps_signals_idx";--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "check_name" text;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "round" smallint;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "passed" boolean;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "budget" text;--> statement-breakpoint
CREATE INDEX "agent_steps_signals_idx" ON "agent_steps" USING btree ("kind","run_id","name") WHERE "agent_steps"."kind" = 'guardrail' or ("agent_steps"."kind" = 'verification' and "agent_steps"."passed" = false);
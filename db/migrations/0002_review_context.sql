ALTER TABLE "reviews" ADD COLUMN "action_kind" text;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "proposed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "model" text;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "policy_version_id" uuid;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_run_id_agent_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."agent_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_policy_version_id_policy_versions_id_fk" FOREIGN KEY ("policy_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_steps_signals_idx" ON "agent_steps" USING btree ("kind","run_id","name") WHERE "agent_steps"."kind" = 'guardrail' or ("agent_steps"."kind" = 'verification' and ("agent_steps"."output"->>'passed') = 'false');--> statement-breakpoint
CREATE INDEX "reviews_run_idx" ON "reviews" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "tickets_subject_trgm_idx" ON "tickets" USING gin ("subject" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tickets_from_email_trgm_idx" ON "tickets" USING gin ("from_email" gin_trgm_ops);
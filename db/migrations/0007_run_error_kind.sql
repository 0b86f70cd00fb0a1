ALTER TABLE "agent_runs" ADD COLUMN "error_kind" text;--> statement-breakpoint
CREATE INDEX "agent_runs_model_idx" ON "agent_runs" USING btree ("model","started_at");
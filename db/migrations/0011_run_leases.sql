ALTER TABLE "agent_runs" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "lease_expires_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "agent_runs_running_lease_idx" ON "agent_runs" USING btree ("lease_expires_at") WHERE "agent_runs"."status" = 'running';
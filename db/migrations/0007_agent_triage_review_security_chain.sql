CREATE TABLE "draft_requests" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sweeps" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ended_sessions" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "agent_steps_signals_idx";--> statement-breakpoint
ALTER TABLE "agent_actions" ADD COLUMN "blocked_check" text;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "error_kind" text;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "check_name" text;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "round" smallint;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "passed" boolean;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "budget" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "release_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "corrected_intent" text;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "corrected_category" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_intent" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_category" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_confidence" double precision;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "ingested_by_key_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "session_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "draft_requests" ADD CONSTRAINT "draft_requests_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ended_sessions" ADD CONSTRAINT "ended_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ended_sessions_expires_idx" ON "ended_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "rate_limits_window_idx" ON "rate_limits" USING btree ("window_ends_at");--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_ingested_by_key_id_api_keys_id_fk" FOREIGN KEY ("ingested_by_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_runs_model_idx" ON "agent_runs" USING btree ("model","started_at");--> statement-breakpoint
CREATE INDEX "tickets_triage_idx" ON "tickets" USING btree ("triage_category","triage_intent");--> statement-breakpoint
CREATE INDEX "agent_steps_signals_idx" ON "agent_steps" USING btree ("kind","run_id","name") WHERE "agent_steps"."kind" = 'guardrail' or ("agent_steps"."kind" = 'verification' and "agent_steps"."passed" = false);
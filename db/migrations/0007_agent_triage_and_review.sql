CREATE TABLE "draft_requests" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sweeps" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "error_kind" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "release_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "corrected_intent" text;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "corrected_category" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_intent" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_category" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_confidence" double precision;--> statement-breakpoint
ALTER TABLE "draft_requests" ADD CONSTRAINT "draft_requests_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_runs_model_idx" ON "agent_runs" USING btree ("model","started_at");--> statement-breakpoint
CREATE INDEX "tickets_triage_idx" ON "tickets" USING btree ("triage_category","triage_intent");
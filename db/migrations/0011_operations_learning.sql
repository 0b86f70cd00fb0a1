CREATE TABLE "autopilot_categories" (
	"policy_version_id" uuid NOT NULL,
	"intent" text NOT NULL,
	"action_kind" text NOT NULL,
	"promoted_by" uuid,
	"promoted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "autopilot_categories_policy_version_id_intent_action_kind_pk" PRIMARY KEY("policy_version_id","intent","action_kind")
);
--> statement-breakpoint
CREATE TABLE "autopilot_samples" (
	"action_id" uuid PRIMARY KEY NOT NULL,
	"policy_version_id" uuid NOT NULL,
	"intent" text NOT NULL,
	"action_kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "second_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"first_review_id" uuid NOT NULL,
	"first_reviewer_id" uuid,
	"reviewer_id" uuid,
	"decision" text,
	"reason_tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"comment" text,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "second_reviews_action_id_unique" UNIQUE("action_id"),
	CONSTRAINT "second_reviews_first_review_id_unique" UNIQUE("first_review_id")
);
--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "shape" text DEFAULT 'loop' NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "lease_expires_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "scope" text;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "parent_scope" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "traceparent" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD COLUMN "agent_shape" text DEFAULT 'loop' NOT NULL;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "source" text DEFAULT 'person' NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "traceparent" text;--> statement-breakpoint
ALTER TABLE "autopilot_categories" ADD CONSTRAINT "autopilot_categories_policy_version_id_policy_versions_id_fk" FOREIGN KEY ("policy_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopilot_categories" ADD CONSTRAINT "autopilot_categories_promoted_by_users_id_fk" FOREIGN KEY ("promoted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopilot_samples" ADD CONSTRAINT "autopilot_samples_action_id_agent_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."agent_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopilot_samples" ADD CONSTRAINT "autopilot_samples_policy_version_id_policy_versions_id_fk" FOREIGN KEY ("policy_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_action_id_agent_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."agent_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_first_review_id_reviews_id_fk" FOREIGN KEY ("first_review_id") REFERENCES "public"."reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_first_reviewer_id_users_id_fk" FOREIGN KEY ("first_reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "autopilot_samples_category_idx" ON "autopilot_samples" USING btree ("policy_version_id","intent","action_kind");--> statement-breakpoint
CREATE INDEX "second_reviews_pending_idx" ON "second_reviews" USING btree ("created_at") WHERE "second_reviews"."decided_at" is null;--> statement-breakpoint
CREATE INDEX "second_reviews_decided_idx" ON "second_reviews" USING btree ("decided_at");--> statement-breakpoint
CREATE INDEX "agent_runs_running_lease_idx" ON "agent_runs" USING btree ("lease_expires_at") WHERE "agent_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "tickets_external_id_trgm_idx" ON "tickets" USING gin ("external_id" gin_trgm_ops);
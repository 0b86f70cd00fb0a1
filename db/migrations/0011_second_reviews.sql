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
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_action_id_agent_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."agent_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_first_review_id_reviews_id_fk" FOREIGN KEY ("first_review_id") REFERENCES "public"."reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_first_reviewer_id_users_id_fk" FOREIGN KEY ("first_reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "second_reviews" ADD CONSTRAINT "second_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "second_reviews_pending_idx" ON "second_reviews" USING btree ("created_at") WHERE "second_reviews"."decided_at" is null;--> statement-breakpoint
CREATE INDEX "second_reviews_decided_idx" ON "second_reviews" USING btree ("decided_at");
ALTER TABLE "reviews" ADD COLUMN "corrected_intent" text;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "corrected_category" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_intent" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_category" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "triage_confidence" double precision;--> statement-breakpoint
CREATE INDEX "tickets_triage_idx" ON "tickets" USING btree ("triage_category","triage_intent");
ALTER TABLE "reviews" ALTER COLUMN "action_kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ALTER COLUMN "run_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ALTER COLUMN "proposed_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ALTER COLUMN "model" SET NOT NULL;
ALTER TABLE "agent_runs" ADD COLUMN "shape" text DEFAULT 'loop' NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "scope" text;--> statement-breakpoint
ALTER TABLE "agent_steps" ADD COLUMN "parent_scope" text;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD COLUMN "agent_shape" text DEFAULT 'loop' NOT NULL;
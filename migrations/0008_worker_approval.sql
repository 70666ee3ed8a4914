ALTER TABLE "agents" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "approved_by" text;
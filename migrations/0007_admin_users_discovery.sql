CREATE TABLE "discovery_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"keywords" jsonb NOT NULL,
	"status" text NOT NULL,
	"started_by" text NOT NULL,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "impersonated_by" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "impersonator_session_id" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "field_at" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "discovery_runs_started_idx" ON "discovery_runs" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tools_source_idx" ON "tools" USING btree ("source");
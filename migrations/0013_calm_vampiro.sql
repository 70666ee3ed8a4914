ALTER TABLE "sim_nodes" ADD COLUMN "login" text DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "sim_nodes" ADD COLUMN "root_password" text;--> statement-breakpoint
ALTER TABLE "sim_nodes" ADD COLUMN "password_shown_at" timestamp with time zone;
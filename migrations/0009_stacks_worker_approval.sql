CREATE TABLE "stacks" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"kit" text NOT NULL,
	"status" text DEFAULT 'created' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "approved_by" text;--> statement-breakpoint
ALTER TABLE "stacks" ADD CONSTRAINT "stacks_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stacks_org_name_idx" ON "stacks" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "stacks_org_idx" ON "stacks" USING btree ("org_id");
CREATE TABLE "secret_data_keys" (
	"org_id" text PRIMARY KEY NOT NULL,
	"master_key_id" text NOT NULL,
	"iv" text NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rewrapped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "secrets" (
	"org_id" text NOT NULL,
	"path" text NOT NULL,
	"version" integer NOT NULL,
	"iv" text NOT NULL,
	"ciphertext" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "secrets_org_id_path_pk" PRIMARY KEY("org_id","path")
);
--> statement-breakpoint
ALTER TABLE "secret_data_keys" ADD CONSTRAINT "secret_data_keys_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;
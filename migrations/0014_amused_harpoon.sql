CREATE TABLE "sim_node_events" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"node_id" text NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sim_node_events" ADD CONSTRAINT "sim_node_events_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sim_node_events" ADD CONSTRAINT "sim_node_events_node_id_sim_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."sim_nodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sim_node_events_node_idx" ON "sim_node_events" USING btree ("node_id","created_at");
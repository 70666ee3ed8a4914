CREATE TABLE "sim_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"simulation_id" text NOT NULL,
	"host_agent_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"os" text NOT NULL,
	"status" text NOT NULL,
	"position" integer NOT NULL,
	"ssh_port" integer NOT NULL,
	"ip" text,
	"cpu" real NOT NULL,
	"memory_mb" integer NOT NULL,
	"disk_gb" integer NOT NULL,
	"latency_ms" integer,
	"loss_percent" real,
	"pending_job_id" text,
	"pending_action" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "simulations" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"template" text,
	"host_agent_id" text NOT NULL,
	"deploy_target" boolean DEFAULT false NOT NULL,
	"deleting_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "simulation_id" text;--> statement-breakpoint
ALTER TABLE "enrollment_tokens" ADD COLUMN "simulation_id" text;--> statement-breakpoint
ALTER TABLE "sim_nodes" ADD CONSTRAINT "sim_nodes_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sim_nodes" ADD CONSTRAINT "sim_nodes_simulation_id_simulations_id_fk" FOREIGN KEY ("simulation_id") REFERENCES "public"."simulations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "simulations" ADD CONSTRAINT "simulations_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "simulations" ADD CONSTRAINT "simulations_host_agent_id_agents_id_fk" FOREIGN KEY ("host_agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sim_nodes_host_port_idx" ON "sim_nodes" USING btree ("host_agent_id","ssh_port");--> statement-breakpoint
CREATE UNIQUE INDEX "sim_nodes_sim_name_idx" ON "sim_nodes" USING btree ("simulation_id","name");--> statement-breakpoint
CREATE INDEX "sim_nodes_org_idx" ON "sim_nodes" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "simulations_org_idx" ON "simulations" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "simulations_org_name_idx" ON "simulations" USING btree ("org_id","name") WHERE deleted_at IS NULL;
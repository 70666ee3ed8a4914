CREATE TABLE "agent_samples" (
	"agent_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"cpu" real NOT NULL,
	"memory" real NOT NULL,
	"disk" real NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_samples" ADD CONSTRAINT "agent_samples_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_samples_agent_at_idx" ON "agent_samples" USING btree ("agent_id","at");
-- Baseline: the tables as the hand-written schema created them before drizzle. Edited from
-- drizzle-kit's output to IF NOT EXISTS so that an object created by that schema (its tables
-- already there, with rows) takes this migration as a no-op and is recorded as migrated.
-- Later migrations are drizzle-kit's output as generated.
CREATE TABLE IF NOT EXISTS `job_events` (
	`job_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`message` text NOT NULL,
	PRIMARY KEY(`job_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `job_leases` (
	`job_id` text NOT NULL,
	`lease_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`issued_at` integer NOT NULL,
	PRIMARY KEY(`job_id`, `lease_id`)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `job_logs` (
	`job_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`stream` text NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`job_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `job_origins` (
	`job_id` text PRIMARY KEY NOT NULL,
	`stack_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`params` text NOT NULL,
	`status` text NOT NULL,
	`attempt` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`lease_id` text,
	`lease_expires_at` integer,
	`available_at` integer NOT NULL,
	`queue_deadline` integer NOT NULL,
	`result` text,
	`error` text,
	`progress_message` text,
	`progress_percent` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `jobs_status_idx` ON `jobs` (`status`,`available_at`);--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);

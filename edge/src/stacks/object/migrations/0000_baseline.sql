-- Baseline: the tables as the hand-written schema created them before drizzle. Edited from
-- drizzle-kit's output to IF NOT EXISTS so that an object created by that schema (its tables
-- already there, with rows) takes this migration as a no-op and is recorded as migrated.
-- Later migrations are drizzle-kit's output as generated.
CREATE TABLE IF NOT EXISTS `spec_versions` (
	`version` integer PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`source` text NOT NULL,
	`options` text NOT NULL,
	`tofu` text,
	`name` text NOT NULL,
	`kit` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `stack` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `steps` (
	`workflow_id` text NOT NULL,
	`idx` integer NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`detail` text,
	`error` text,
	PRIMARY KEY(`workflow_id`, `idx`)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `wf_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workflow_id` text,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`step` text,
	`message` text NOT NULL,
	`data` text
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `wf_events_wf_idx` ON `wf_events` (`workflow_id`,`seq`);--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `wf_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`step_idx` integer NOT NULL,
	`ord` integer NOT NULL,
	`node` text NOT NULL,
	`worker_id` text NOT NULL,
	`type` text NOT NULL,
	`params` text NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`error` text,
	`created_at` integer NOT NULL,
	`dispatched_at` integer,
	`deadline` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `wf_jobs_wf_idx` ON `wf_jobs` (`workflow_id`,`step_idx`,`ord`);--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `workflows` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`options` text NOT NULL,
	`workers` text NOT NULL,
	`artifacts` text,
	`step_index` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`requested_by` text
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `workflows_status_idx` ON `workflows` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `tofu_owner` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`claimed_at` integer NOT NULL,
	CONSTRAINT "tofu_owner_one_row" CHECK("tofu_owner"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `tofu_state_chunks` (
	`version_id` integer NOT NULL,
	`idx` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`version_id`, `idx`)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `tofu_state_lock` (
	`id` integer PRIMARY KEY NOT NULL,
	`lock_id` text NOT NULL,
	`info` text NOT NULL,
	`locked_at` integer NOT NULL,
	`locked_by` text NOT NULL,
	CONSTRAINT "tofu_state_lock_one_row" CHECK("tofu_state_lock"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `tofu_state_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`serial` integer,
	`lineage` text,
	`sha256` text,
	`size` integer DEFAULT 0 NOT NULL,
	`key_id` text,
	`iv` blob,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`lock_id` text
);

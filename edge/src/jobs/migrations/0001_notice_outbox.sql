CREATE TABLE `job_notices` (
	`job_id` text PRIMARY KEY NOT NULL,
	`target` text NOT NULL,
	`due_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`delivered_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `job_notices_due_idx` ON `job_notices` (`due_at`);
-- Objects from before the notice outbox kept only a stack id per job (job_origins), told once and
-- best effort. Their open jobs get a notice, so their stacks still hear of the end.
INSERT OR IGNORE INTO `job_notices` (`job_id`, `target`)
SELECT o.`job_id`, json_object('kind', 'stack', 'stackId', o.`stack_id`, 'workflowId', '')
  FROM `job_origins` o JOIN `jobs` j ON j.`id` = o.`job_id`
 WHERE j.`status` IN ('queued', 'running');

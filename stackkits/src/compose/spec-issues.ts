/**
 * A problem of the spec built from compose files (a host port the kit already publishes, a name
 * Traefik routes twice, …) → an issue at the compose service and field it came from, with the
 * spec path in the message so both sides can be found.
 */
import type { SpecError } from '../spec/errors.ts';
import type { Reporter } from './issues.ts';
import type { ComposeIssue } from './types.ts';

const fieldMap: Record<string, string> = {
  ports: 'ports',
  volumes: 'volumes',
  environment: 'environment',
  environmentSecrets: 'environment',
  image: 'image',
  needs: 'depends_on',
  healthCheck: 'healthcheck',
  restartPolicy: 'restart',
  labels: 'labels',
  resources: 'deploy',
  replicas: 'deploy',
  placement: 'deploy',
  update: 'deploy',
  network: 'networks',
  command: 'command',
  entrypoint: 'entrypoint',
  user: 'user',
};

export function specIssues(
  errors: readonly SpecError[],
  firstAdded: number,
  composeNames: readonly string[],
  report: Reporter,
): ComposeIssue[] {
  return errors.map((e) => {
    const m = /^services\[(\d+)\](?:\.([A-Za-z]+))?/.exec(e.path);
    const index = m ? Number(m[1]) - firstAdded : -1;
    const name = composeNames[index];
    const message = `${e.message} (kombination.yaml ${e.path || '<root>'}: ${e.code})`;
    if (!m || name === undefined) return { file: 'kombination.yaml', path: e.path, code: 'spec', message };
    const field = m[2] ? fieldMap[m[2]] : undefined;
    return report.issue(field ? ['services', name, field] : ['services', name], 'spec', message);
  });
}

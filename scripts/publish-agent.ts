/**
 * `npm run release:publish -- --edge <url> [--manifest <path>] [--no-upload] [--not-current]`:
 * publishes an agent build (npm run build:agent) to an edge with the admin API key in
 * KOMBIFY_ADMIN_TOKEN. Uploads each file the edge does not hold yet (streamed), then publishes the
 * manifest. With --no-upload the files must already be in the bucket (`wrangler r2 object put`,
 * the production path for files over the edge's upload limit); the edge checks their sizes.
 * Exit codes: 0 published, 1 failed, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultAgentOut } from './lib/agent-build.ts';
import { publishRelease } from './lib/release-publish.ts';

let values: { edge?: string; manifest?: string; 'no-upload'?: boolean; 'not-current'?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      edge: { type: 'string' },
      manifest: { type: 'string' },
      'no-upload': { type: 'boolean' },
      'not-current': { type: 'boolean' },
    },
  }));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const token = process.env.KOMBIFY_ADMIN_TOKEN;
if (!values.edge || !token) {
  process.stderr.write(
    'Usage: KOMBIFY_ADMIN_TOKEN=kfy_… npm run release:publish -- --edge <url> [--manifest <path>] [--no-upload] [--not-current]\n',
  );
  process.exit(2);
}
const manifestPath = values.manifest ?? join(defaultAgentOut, 'manifest.json');
try {
  const edgeUrl = values.edge.replace(/\/$/, '');
  if (values['no-upload']) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const files = manifest.files.map(({ path: _path, ...f }: { path: string }) => f);
    const res = await fetch(
      `${edgeUrl}/api/internal/releases/${manifest.version}${values['not-current'] ? '?current=false' : ''}`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...manifest, files }),
      },
    );
    if (!res.ok) throw new Error(`publishing ${manifest.version}: ${res.status} ${await res.text()}`);
    process.stdout.write(`published agent ${manifest.version} (files already in the bucket)\n`);
  } else {
    const result = await publishRelease({
      edgeUrl,
      adminToken: token,
      manifestPath,
      current: !values['not-current'],
    });
    process.stdout.write(
      `published agent ${result.version}: uploaded ${result.uploaded.length} file(s), ${result.unchanged.length} already there\n`,
    );
  }
} catch (error) {
  process.stderr.write(`release:publish failed: ${(error as Error).message}\n`);
  process.exit(1);
}

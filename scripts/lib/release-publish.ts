/**
 * Publishes a local agent build (scripts/lib/agent-build.ts) to an edge through its release API:
 * uploads each file the edge does not already hold with the same SHA-256 (streamed from disk),
 * then publishes the manifest, which makes it the release installers get.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { readBuildManifest } from './agent-build.ts';

export interface PublishResult {
  version: string;
  uploaded: string[];
  unchanged: string[];
  bytesUploaded: number;
}

async function failure(res: Response, what: string): Promise<Error> {
  return new Error(`${what}: ${res.status} ${(await res.text()).slice(0, 500)}`);
}

export async function publishRelease(opts: {
  edgeUrl: string;
  adminToken: string;
  manifestPath: string;
  /** Overwrite files the edge holds under the same name with other bytes (local rebuilds). */
  replace?: boolean;
  /** false: store the release without making it the one installers get. */
  current?: boolean;
}): Promise<PublishResult> {
  const manifest = readBuildManifest(opts.manifestPath);
  const auth = { authorization: `Bearer ${opts.adminToken}` };
  const base = `${opts.edgeUrl}/api/internal/releases`;
  const result: PublishResult = { version: manifest.version, uploaded: [], unchanged: [], bytesUploaded: 0 };
  for (const file of manifest.files) {
    const held = await fetch(`${base}/artifacts/${file.name}`, { headers: auth });
    if (held.ok) {
      const { data } = (await held.json()) as { data: { sha256: string; size: number } };
      if (data.sha256 === file.sha256 && data.size === file.size) {
        result.unchanged.push(file.name);
        continue;
      }
    } else if (held.status !== 404) {
      throw await failure(held, `checking ${file.name} on the edge`);
    } else {
      await held.body?.cancel();
    }
    const size = statSync(file.abs).size;
    const res = await fetch(`${base}/artifacts/${file.name}${opts.replace ? '?replace=true' : ''}`, {
      method: 'PUT',
      headers: {
        ...auth,
        'content-type': 'application/octet-stream',
        'content-length': String(size),
        'x-checksum-sha256': file.sha256,
      },
      body: Readable.toWeb(createReadStream(file.abs)) as ReadableStream,
      duplex: 'half',
    } as RequestInit).catch((error: Error) => {
      // An edge refusing an upload (over RELEASE_MAX_UPLOAD_BYTES) answers at once and closes
      // the connection while the body is still being sent: say what that most likely means.
      throw new Error(
        `uploading ${file.name} (${size} bytes) was cut off (${error.cause ?? error.message}); ` +
          'the edge may take smaller uploads (RELEASE_MAX_UPLOAD_BYTES): put the file with `wrangler r2 object put`',
      );
    });
    if (!res.ok) throw await failure(res, `uploading ${file.name}`);
    await res.body?.cancel();
    result.uploaded.push(file.name);
    result.bytesUploaded += size;
  }
  const { files, ...rest } = manifest;
  const body = { ...rest, files: files.map(({ path: _path, abs: _abs, ...f }) => f) };
  const res = await fetch(`${base}/${manifest.version}${opts.current === false ? '?current=false' : ''}`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res, `publishing release ${manifest.version}`);
  await res.body?.cancel();
  return result;
}

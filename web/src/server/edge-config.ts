import 'server-only';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const DEFAULT_EDGE_URL = 'http://127.0.0.1:8787';

export type AdminToken = { ok: true; value: string } | { ok: false; tokenFile: string };

/** Base URL of the edge API, without a trailing slash. */
export function edgeUrl(): string {
  return (process.env.KOMBIFY_EDGE_URL || DEFAULT_EDGE_URL).replace(/\/+$/, '');
}

/**
 * The admin token: `KOMBIFY_ADMIN_TOKEN`, else the file `KOMBIFY_ADMIN_TOKEN_FILE`
 * (default `<repo root>/.kombify/admin-token`). Read on every call, not cached, so a token written
 * after the web server started (the edge creates it on first start) is picked up without a restart.
 */
export function adminToken(): AdminToken {
  const fromEnv = process.env.KOMBIFY_ADMIN_TOKEN?.trim();
  if (fromEnv) return { ok: true, value: fromEnv };
  const tokenFile = resolve(
    process.env.KOMBIFY_ADMIN_TOKEN_FILE || join(repoRoot(), '.kombify', 'admin-token'),
  );
  try {
    const value = readFileSync(tokenFile, 'utf8').trim();
    if (value) return { ok: true, value };
  } catch {
    // Missing or unreadable: reported to the page as "no token", with the path we tried.
  }
  return { ok: false, tokenFile };
}

/**
 * The monorepo root: the nearest folder above the working directory whose package.json declares
 * workspaces. Found from the cwd, not from this file, because the built server bundle lives elsewhere.
 */
function repoRoot(): string {
  let dir = process.cwd();
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes('"workspaces"')) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

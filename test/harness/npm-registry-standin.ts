/**
 * A local stand-in for the npm registry's search (`GET /-/v1/search?text=keywords:<k>&size=<n>`):
 * serves the packages of test/fixtures/npm-search.json that carry the keyword, in the registry's
 * answer shape. The keyword `broken` answers 500, for the failure path.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/service.ts';

export interface NpmRegistryStandin {
  url: string;
  searches: string[];
  stop(): Promise<void>;
}

export async function startNpmRegistryStandin(): Promise<NpmRegistryStandin> {
  const fixture = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/npm-search.json'), 'utf8')) as {
    objects: { package: { keywords?: string[] } }[];
  };
  const searches: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname !== '/-/v1/search') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'not found' }));
    }
    const text = url.searchParams.get('text') ?? '';
    searches.push(text);
    const keyword = /^keywords:(.+)$/.exec(text)?.[1];
    if (keyword === 'broken') {
      res.writeHead(500, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'internal' }));
    }
    const size = Number(url.searchParams.get('size') ?? 20);
    const all = fixture.objects.filter((o) => !keyword || o.package.keywords?.includes(keyword));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ objects: all.slice(0, size), total: all.length, time: new Date().toUTCString() }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    searches,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A local stand-in for the npm registry's search (`GET /-/v1/search?text=keywords:<k>&size=<n>`):
 * serves the packages of test/fixtures/npm-search.json that carry the keyword, in the registry's
 * answer shape. The keyword `broken` answers 500, for the failure path. It also answers GitHub's
 * repository search by topic (`GET /search/repositories?q=topic:<k>`, bearer token required) in
 * GitHub's shape, for the optional GitHub discovery.
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

export const GITHUB_TOKEN = 'ghp_standin_0123456789';

const repos = [
  {
    full_name: 'example-org/lab-portal',
    description: 'Self-hosted portal for a homelab',
    html_url: 'https://github.com/example-org/lab-portal',
    homepage: 'https://lab-portal.example.test',
    topics: ['homelab', 'self-hosted'],
  },
  {
    full_name: 'someone/Rack.Stats',
    description: null,
    html_url: 'https://github.com/someone/Rack.Stats',
    homepage: '',
    topics: ['homelab', 'monitoring'],
  },
];

function github(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`)
    return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
  const topic = /^topic:(.+)$/.exec(url.searchParams.get('q') ?? '')?.[1];
  const items = repos
    .filter((r) => topic && r.topics.includes(topic))
    .map((r, i) => ({ id: 1000 + i, name: r.full_name.split('/')[1], stargazers_count: 10 - i, ...r }));
  send(200, { total_count: items.length, incomplete_results: false, items });
}

export async function startNpmRegistryStandin(): Promise<NpmRegistryStandin> {
  const fixture = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/npm-search.json'), 'utf8')) as {
    objects: { package: { keywords?: string[] } }[];
  };
  const searches: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname === '/search/repositories') return github(req, res, url);
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

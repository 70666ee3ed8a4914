/**
 * Candidate tools from GitHub's repository search by topic (`GET /search/repositories?q=topic:<k>`),
 * used only when a token is configured (the unauthenticated search limit is too low to rely on).
 */
import { z } from 'zod';
import type { Candidate } from './npm-search.ts';
import { httpUrl, slugFor } from './npm-search.ts';

const searchAnswer = z.object({
  total_count: z.number(),
  items: z.array(
    z
      .object({
        full_name: z.string().min(3).max(200),
        description: z.string().nullish(),
        html_url: z.string(),
        homepage: z.string().nullish(),
        topics: z.array(z.string()).nullish(),
      })
      .loose(),
  ),
});

export async function searchGithub(
  api: string,
  token: string,
  keyword: string,
  size: number,
): Promise<Candidate[]> {
  const url = new URL('/search/repositories', api);
  url.searchParams.set('q', `topic:${keyword}`);
  url.searchParams.set('sort', 'stars');
  url.searchParams.set('per_page', String(Math.min(size, 100)));
  const res = await fetch(url, {
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'kombify-discovery',
    },
  });
  if (!res.ok) throw new Error(`GitHub answered ${res.status} for topic:${keyword}`);
  const parsed = searchAnswer.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new Error(`GitHub's search answer has an unexpected shape (topic:${keyword})`);
  return parsed.data.items.map((repo) => ({
    name: repo.full_name,
    tool: {
      id: slugFor('gh', repo.full_name),
      name: repo.full_name.split('/').at(-1)!.slice(0, 100),
      summary: (repo.description ?? '').slice(0, 500),
      url: httpUrl(repo.homepage ?? undefined) ?? httpUrl(repo.html_url),
      tags: [...new Set((repo.topics ?? []).map((t) => t.toLowerCase().slice(0, 40)))].slice(0, 20),
      status: 'unreviewed',
      source: `github:${repo.full_name}`,
    },
  }));
}

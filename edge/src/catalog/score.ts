/** Evaluation of catalog tools: each criterion scored 0–10, combined with fixed weights. */
export const criteria = { maturity: 0.3, security: 0.25, ease: 0.25, community: 0.2 } as const;
export type Criterion = keyof typeof criteria;

export function weightedScore(scores: Partial<Record<string, number>>): number {
  let total = 0;
  for (const [name, weight] of Object.entries(criteria)) total += weight * (scores[name] ?? 0);
  return Math.round(total * 100) / 100;
}

/**
 * A prefix query for Postgres full-text search from free text: `trae prox` → `trae:* & prox:*`,
 * so partial words match. Only letters and digits reach the query (no tsquery syntax injection).
 */
export function prefixQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/**
 * `GET /docs`: the OpenAPI document as one plain HTML page, rendered here from the document, so
 * the reference needs no script, no stylesheet and no CDN (the edge's CSP forbids them all, and a
 * page that works under it is a page that cannot be turned against its readers).
 */
import type { OpenApiDocument, OpenApiOperation } from './openapi-document.ts';
import { operationsOf, responseOf } from './operations-of.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

/** Inline code in descriptions (`x`) as <code>; everything else as text. */
const prose = (s: string) =>
  escapeHtml(s)
    .split('\n\n')
    .map((p) => `<p>${p.replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');

function security(op: OpenApiOperation): string {
  if (op.security.length === 0) return 'none';
  return op.security.map((s) => Object.keys(s).join(' + ')).join(' or ');
}

function operation(doc: OpenApiDocument, method: string, path: string, op: OpenApiOperation): string {
  const id = escapeHtml(op.operationId);
  const params = (op.parameters ?? []) as { name: string; in: string; required: boolean }[];
  const body = op.requestBody
    ? (op.requestBody.description ? `<p>Body: ${escapeHtml(op.requestBody.description)}</p>` : '') +
      Object.entries(op.requestBody.content)
        .map(
          ([type, c]) =>
            `<details><summary>request ${escapeHtml(type)}</summary><pre>${escapeHtml(JSON.stringify(c.schema, null, 2))}</pre></details>`,
        )
        .join('')
    : '';
  const responses = Object.entries(op.responses)
    .map(
      ([status, r]) =>
        `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(responseOf(doc, r).description)}</li>`,
    )
    .join('');
  return `<section id="${id}">
<h3><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></h3>
${prose(op.summary)}${op.description ? prose(op.description) : ''}
<p>Auth: ${escapeHtml(security(op))}</p>
${params.length > 0 ? `<p>Parameters: ${params.map((p) => `<code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', required' : ''})`).join(', ')}</p>` : ''}
${body}
<ul>${responses}</ul>
</section>`;
}

export function docsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  const index = new Map<string, string[]>();
  for (const { path, method, op } of operationsOf(doc)) {
    {
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(doc, method, path, op)]);
      index.set(tag, [
        ...(index.get(tag) ?? []),
        `<li><a href="#${escapeHtml(op.operationId)}"><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></a></li>`,
      ]);
    }
  }
  const tags = doc.tags.filter((t) => byTag.has(t.name));
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title></head>
<body>
<header><h1>${escapeHtml(doc.info.title)}</h1><p>Version ${escapeHtml(doc.info.version)}. The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p>${prose(doc.info.description)}</header>
<nav><h2>Operations</h2>${tags.map((t) => `<h3>${escapeHtml(t.name)}</h3><ul>${(index.get(t.name) ?? []).join('')}</ul>`).join('\n')}</nav>
<main>${tags.map((t) => `<h2 id="tag-${escapeHtml(t.name)}">${escapeHtml(t.name)}</h2>${prose(t.description)}${(byTag.get(t.name) ?? []).join('\n')}`).join('\n')}</main>
</body>
</html>
`;
}

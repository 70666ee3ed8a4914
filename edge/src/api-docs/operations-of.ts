import type { OpenApiDocument, OpenApiOperation, PathItem, ResponseObject } from './openapi-document.ts';

/** Every operation of the document with its path and upper-case method, extension methods included. */
export function operationsOf(doc: OpenApiDocument): { path: string; method: string; op: OpenApiOperation }[] {
  const out: { path: string; method: string; op: OpenApiOperation }[] = [];
  for (const [path, item] of Object.entries(doc.paths) as [string, PathItem][]) {
    for (const [key, value] of Object.entries(item)) {
      if (key === 'x-additionalOperations') {
        for (const [method, op] of Object.entries(value as Record<string, OpenApiOperation>))
          out.push({ path, method, op });
      } else out.push({ path, method: key.toUpperCase(), op: value as OpenApiOperation });
    }
  }
  return out;
}

/** A response, with a `$ref` to `components.responses` followed. */
export function responseOf(doc: OpenApiDocument, r: ResponseObject | { $ref: string }): ResponseObject {
  if (!('$ref' in r)) return r;
  const found = doc.components.responses[r.$ref.slice('#/components/responses/'.length)];
  if (!found) throw new Error(`unresolved response ${r.$ref}`);
  return found;
}

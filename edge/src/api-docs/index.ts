/** The API reference's surface for the app's top level: the route descriptions' shape. */
export type { DomainDocs } from './openapi-document.ts';

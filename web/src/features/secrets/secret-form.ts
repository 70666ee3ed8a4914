/**
 * The Settings page's secrets section in plain functions: who may write, which problems go beside
 * which field, and the words for a change's outcome and a secret's writer.
 */
import type { ApiKey, Member, SecretMeta } from '@kombify/proto/api';
import { type Issue, issuesIn } from '@kombify/proto/issue';
import { atLeast } from '@kombify/proto/roles';
import type { EdgeResult } from '../../lib/edge-result.ts';
import type { SecretChange } from './secret-request.ts';

/**
 * Whether a role may store and delete secrets: the edge's operator gate (admins and owners; a
 * platform admin ranks above both). Only for disabling controls: the edge decides, and its 403
 * is shown like any other refusal.
 */
export function canWriteSecrets(role: string | undefined): boolean {
  return role !== undefined && atLeast(role, 'admin');
}

/** The form's fields; the edge names them the same in a `VALIDATION_FAILED`'s details. */
export type SecretField = 'path' | 'value';

/** A failed change's problems: those of each field, to show beside it, and the rest. */
export interface SecretProblems {
  path: Issue[];
  value: Issue[];
  /** Problems at no field of the form (the body, a generate option). */
  other: Issue[];
  /** The refusal in words when no problem names a field (403, 404, the edge unreachable). */
  summary?: string;
}

/** Sorts a change's refusal for the form: field problems by field, the rest, or a summary in words. */
export function secretProblems(result: EdgeResult<unknown> | undefined): SecretProblems {
  const out: SecretProblems = { path: [], value: [], other: [] };
  if (!result || result.ok) return out;
  for (const issue of issuesIn(result.details)) {
    if (issue.path === 'path' || issue.path === 'value') out[issue.path].push(issue);
    else out.other.push(issue);
  }
  if (out.path.length + out.value.length + out.other.length === 0) {
    out.summary =
      result.status === 403
        ? `Only admins and owners change secrets: ${result.message} (${result.code})`
        : `${result.message} (${result.code})`;
  }
  return out;
}

/** What a change did, in words: a value is never part of it (the edge does not send one back). */
export function changeDone(kind: SecretChange['kind'], meta: SecretMeta): string {
  switch (kind) {
    case 'put':
      return meta.version === 1
        ? `Stored ${meta.path}.`
        : `Replaced ${meta.path}; it is now version ${meta.version}.`;
    case 'generate':
      return `Stored a random value as ${meta.path} (version ${meta.version}). It is not shown anywhere.`;
    case 'delete':
      return `Deleted ${meta.path}.`;
  }
}

/**
 * Who last wrote a secret, from the edge's `kind:id` (`session:…`, `user:…`, `api_key:…`): a
 * member's name or email, an API key's name, else the raw id (someone who has left the org).
 */
export function writerLabel(
  updatedBy: string,
  known: { members?: readonly Member[]; keys?: readonly ApiKey[] },
): string {
  const colon = updatedBy.indexOf(':');
  const kind = colon === -1 ? '' : updatedBy.slice(0, colon);
  const id = updatedBy.slice(colon + 1);
  if (kind === 'session' || kind === 'user') {
    const m = known.members?.find((x) => x.user_id === id);
    return m?.name ?? m?.email ?? id;
  }
  if (kind === 'api_key') {
    const k = known.keys?.find((x) => x.id === id);
    return k ? `API key “${k.name}”` : `API key ${id}`;
  }
  return updatedBy;
}

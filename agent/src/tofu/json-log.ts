/**
 * Reads OpenTofu's machine-readable UI (`plan -json`, `apply -json`: one JSON object per line,
 * the "terraform.ui" format) into what a job reports: the planned resources, the change counts,
 * progress messages and the error diagnostics. Pure, so it is tested without a binary.
 */
import { type TofuResourceAction, tofuResourceAction } from '@kombify/proto/jobs';

export interface UiMessage {
  type: string;
  level: string;
  message: string;
  raw: Record<string, unknown>;
}

/** One line of `-json` output, or null when the line is not a UI message (init's plain text, noise). */
export function parseUiLine(line: string): UiMessage | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const obj = raw as Record<string, unknown>;
  if (typeof obj.type !== 'string') return null;
  return {
    type: obj.type,
    level: typeof obj['@level'] === 'string' ? obj['@level'] : 'info',
    message: typeof obj['@message'] === 'string' ? obj['@message'] : '',
    raw: obj,
  };
}

export interface ChangeCounts {
  add: number;
  change: number;
  destroy: number;
}

export interface Diagnostic {
  severity: string;
  summary: string;
  detail: string;
  address?: string;
}

const actions = new Set<string>(tofuResourceAction.options);

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/** Folds UI messages into a run's summary; `progress` says what a person watching should read now. */
export class UiSummary {
  readonly resources: { address: string; action: TofuResourceAction }[] = [];
  readonly diagnostics: Diagnostic[] = [];
  changes: ChangeCounts | null = null;
  /** Resources whose apply finished (apply_complete / apply_errored), for a percentage. */
  applied = 0;
  plannedCount = 0;

  /** Takes one message; returns a progress line when the message is worth showing as progress. */
  add(msg: UiMessage): { message: string; percent?: number } | null {
    const raw = msg.raw;
    switch (msg.type) {
      case 'planned_change': {
        const change = record(raw.change);
        const address = record(change.resource).addr;
        const action = change.action;
        if (typeof address === 'string' && typeof action === 'string') {
          this.resources.push({
            address,
            action: actions.has(action) ? (action as TofuResourceAction) : 'update',
          });
          if (action !== 'noop' && action !== 'read') this.plannedCount++;
        }
        return { message: msg.message };
      }
      case 'change_summary': {
        const changes = record(raw.changes);
        this.changes = {
          add: count(changes.add),
          change: count(changes.change),
          destroy: count(changes.remove),
        };
        return { message: msg.message, percent: changes.operation === 'plan' ? undefined : 100 };
      }
      case 'apply_start':
      case 'apply_progress':
        return { message: msg.message, ...this.#percent() };
      case 'apply_complete':
      case 'apply_errored':
        this.applied++;
        return { message: msg.message, ...this.#percent() };
      case 'diagnostic': {
        const d = record(raw.diagnostic);
        this.diagnostics.push({
          severity: typeof d.severity === 'string' ? d.severity : msg.level,
          summary: typeof d.summary === 'string' ? d.summary : msg.message,
          detail: typeof d.detail === 'string' ? d.detail : '',
          ...(typeof d.address === 'string' ? { address: d.address } : {}),
        });
        return null;
      }
      default:
        return null;
    }
  }

  #percent(): { percent?: number } {
    if (this.plannedCount === 0) return {};
    return { percent: Math.min(99, Math.floor((this.applied / this.plannedCount) * 100)) };
  }

  errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.severity === 'error');
  }
}

/** The errors in plain-text output (init has no -json everywhere): from the first "Error:" on, boxes removed. */
export function errorText(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^[│╷╵]\s?/u, '').trim());
  const first = lines.findIndex((l) => l.startsWith('Error:'));
  return (first === -1 ? lines : lines.slice(first)).filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
}

export type FailureKind = 'state_locked' | 'plan_stale' | 'state_backend' | 'tofu_failed';

/**
 * Classifies a failed run by its error diagnostics, so the job fails with a code a workflow can
 * act on (a held lock may clear on a retry; a stale plan needs a new plan) and a message that says
 * what OpenTofu said, first error first.
 */
export function describeFailure(
  command: string,
  errors: Diagnostic[],
  stderrTail: string,
): { kind: FailureKind; message: string; retryable: boolean } {
  const text = errors
    .map((e) => (e.detail ? `${e.summary}: ${e.detail.replace(/\s+/g, ' ').trim()}` : e.summary))
    .join('; ');
  const message = `${command} failed: ${text || errorText(stderrTail) || 'no error message'}`.slice(0, 4000);
  const all = `${text} ${stderrTail}`;
  if (/state lock|already locked/i.test(all)) return { kind: 'state_locked', message, retryable: true };
  if (/saved plan is stale/i.test(all)) return { kind: 'plan_stale', message, retryable: false };
  if (/remote state|HTTP remote state|requires auth|invalid auth/i.test(all)) {
    return { kind: 'state_backend', message, retryable: false };
  }
  return { kind: 'tofu_failed', message, retryable: false };
}

/** `output -json` → the job's outputs; sensitive values never leave the node. */
export function outputsFrom(
  json: unknown,
): Record<string, { value: unknown; sensitive: boolean; type: unknown }> {
  const out: Record<string, { value: unknown; sensitive: boolean; type: unknown }> = {};
  for (const [name, value] of Object.entries(record(json))) {
    const o = record(value);
    const sensitive = o.sensitive === true;
    out[name] = { value: sensitive ? null : (o.value ?? null), sensitive, type: o.type ?? null };
  }
  return out;
}

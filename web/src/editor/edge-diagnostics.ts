/**
 * The edge's validation problems (`POST /v1/stackkits/validate`: 1-based line and column, a path
 * and a message) as CodeMirror lint diagnostics over the text that was checked.
 */

import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { SpecProblem } from '@kombify/proto/api';

/** A problem to mark; an edge's validation problem is an error, an importer's warning is not. */
export type MarkedProblem = SpecProblem & { severity?: 'error' | 'warning' };

/**
 * Each problem as a diagnostic from its line and column to the end of what is written there (the
 * rest of the line without a trailing comment), so the value the edge names is underlined. A line
 * past the end (YAML that stops too early) marks the last line; a problem with no line (a
 * document-wide one) marks the first, so every problem has a marker.
 */
export function edgeDiagnostics(doc: Text, problems: readonly MarkedProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const line = doc.line(Math.min(Math.max(1, p.line ?? 1), doc.lines));
    const from = line.from + Math.min(Math.max(0, (p.column ?? 1) - 1), line.length);
    const rest = doc.sliceString(from, line.to);
    const written = rest.replace(/\s+#.*$/, '').trimEnd();
    return {
      from,
      to: from + written.length,
      severity: p.severity ?? 'error',
      source: p.path || 'document',
      message: p.message,
    };
  });
}

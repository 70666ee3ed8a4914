/**
 * Collects the importer's warnings and errors and gives each the compose file and position it is
 * about. With several files the position is in the last file that sets the path (that file's
 * value won the merge), else in the file that has most of the path.
 */
import { formatPath, type PathSegments } from '../spec/errors.ts';
import type { Position } from '../spec/yaml-source.ts';
import type { ComposeIssue, ComposeIssueCode } from './types.ts';

export interface SourceFile {
  name: string;
  /** The file as data (after interpolation); undefined when it could not be read. */
  data: unknown;
  locate(path: PathSegments, at?: 'value' | 'key'): Position;
}

/** How far a path reaches into data: the number of segments that exist. */
function reach(data: unknown, path: PathSegments): number {
  let node = data;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (Array.isArray(node) && typeof part === 'number' && part < node.length) node = node[part];
    else if (typeof node === 'object' && node !== null && !Array.isArray(node) && Object.hasOwn(node, part))
      node = (node as Record<string, unknown>)[part];
    else return i;
  }
  return path.length;
}

export class Reporter {
  readonly warnings: ComposeIssue[] = [];
  readonly errors: ComposeIssue[] = [];
  private readonly files: SourceFile[] = [];

  add(file: SourceFile): void {
    this.files.push(file);
  }

  warn(path: PathSegments, code: ComposeIssueCode, message: string, at?: 'value' | 'key'): void {
    this.warnings.push(this.issue(path, code, message, at));
  }

  error(path: PathSegments, code: ComposeIssueCode, message: string, at?: 'value' | 'key'): void {
    this.errors.push(this.issue(path, code, message, at));
  }

  /** An issue already placed (parse errors of one file). */
  push(kind: 'warning' | 'error', issue: ComposeIssue): void {
    (kind === 'error' ? this.errors : this.warnings).push(issue);
  }

  issue(path: PathSegments, code: ComposeIssueCode, message: string, at?: 'value' | 'key'): ComposeIssue {
    const file = this.fileFor(path);
    const out: ComposeIssue = { file: file?.name ?? '', path: formatPath(path), code, message };
    if (file) {
      const pos = file.locate(path, at);
      out.line = pos.line;
      out.column = pos.column;
    }
    return out;
  }

  private fileFor(path: PathSegments): SourceFile | undefined {
    let best: SourceFile | undefined;
    let bestReach = -1;
    for (let i = this.files.length - 1; i >= 0; i--) {
      const file = this.files[i]!;
      const r = reach(file.data, path);
      if (r === path.length) return file;
      if (r > bestReach) {
        best = file;
        bestReach = r;
      }
    }
    return best;
  }
}

/** Issues ordered by file, then position (stable for equal positions). */
export function sortIssues(issues: ComposeIssue[], order: readonly string[]): ComposeIssue[] {
  const rank = (f: string) => {
    const i = order.indexOf(f);
    return i < 0 ? order.length : i;
  };
  return issues.sort(
    (a, b) =>
      rank(a.file) - rank(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

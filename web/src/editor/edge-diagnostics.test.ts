import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { edgeDiagnostics } from './edge-diagnostics.ts';

const doc = Text.of(['name: lab', 'nodes:', '  - name: local', '    type: mainframe # oops', '']);

describe('edgeDiagnostics', () => {
  it('underlines from the edge’s line and column to the end of the value', () => {
    const [d] = edgeDiagnostics(doc, [
      { path: 'nodes[0].type', code: 'invalid_value', message: 'not a type', line: 4, column: 11 },
    ]);
    expect(doc.sliceString(d!.from, d!.to)).toBe('mainframe');
    expect(doc.lineAt(d!.from).number).toBe(4);
    expect(d).toMatchObject({ severity: 'error', source: 'nodes[0].type', message: 'not a type' });
  });

  it('keeps problems past the end or without a position on the document', () => {
    const [late, whole] = edgeDiagnostics(doc, [
      { path: '', code: 'parse_error', message: 'ends early', line: 9, column: 4 },
      { path: '', code: 'invalid_value', message: 'document' },
    ]);
    expect(doc.lineAt(late!.from).number).toBe(doc.lines);
    expect(whole).toMatchObject({ from: 0, to: 'name: lab'.length, source: 'document' });
  });

  it('marks a warning as a warning', () => {
    const [d] = edgeDiagnostics(doc, [
      { path: 'version', code: 'ignored', message: 'obsolete', line: 1, column: 1, severity: 'warning' },
    ]);
    expect(d).toMatchObject({ severity: 'warning', from: 0, to: 'name: lab'.length });
  });
});

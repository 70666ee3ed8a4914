import { describe, expect, it } from 'vitest';
import { describeFailure, errorText, outputsFrom, parseUiLine, UiSummary } from './json-log.ts';

// Lines as terraform 1.11 printed them for `plan -json` and `apply -json` of a terraform_data resource.
const resource = {
  addr: 'terraform_data.x',
  module: '',
  resource: 'terraform_data.x',
  implied_provider: 'terraform',
  resource_type: 'terraform_data',
  resource_name: 'x',
  resource_key: null,
};
const planLines = [
  '{"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui","terraform":"1.11.4","type":"version","ui":"1.2"}',
  JSON.stringify({
    '@level': 'info',
    '@message': 'terraform_data.x: Plan to create',
    change: { resource, action: 'create' },
    type: 'planned_change',
  }),
  JSON.stringify({
    '@level': 'info',
    '@message': 'terraform_data.y: Plan to replace',
    change: { resource: { ...resource, addr: 'terraform_data.y' }, action: 'replace' },
    type: 'planned_change',
  }),
  '{"@level":"info","@message":"Plan: 2 to add, 0 to change, 1 to destroy.","changes":{"add":2,"change":0,"import":0,"remove":1,"operation":"plan"},"type":"change_summary"}',
];
const applyLines = [
  JSON.stringify({
    '@message': 'terraform_data.x: Creating...',
    hook: { resource, action: 'create' },
    type: 'apply_start',
  }),
  JSON.stringify({
    '@message': 'terraform_data.x: Creation complete after 0s',
    hook: { resource },
    type: 'apply_complete',
  }),
  '{"@level":"info","@message":"Apply complete! Resources: 1 added, 0 changed, 0 destroyed.","changes":{"add":1,"change":0,"import":0,"remove":0,"operation":"apply"},"type":"change_summary"}',
];

describe('parseUiLine', () => {
  it('reads UI messages and skips everything else', () => {
    expect(parseUiLine(planLines[0]!)).toMatchObject({
      type: 'version',
      level: 'info',
      message: 'Terraform 1.11.4',
    });
    expect(parseUiLine('Initializing the backend...')).toBeNull();
    expect(parseUiLine('{not json')).toBeNull();
    expect(parseUiLine('{"no":"type"}')).toBeNull();
    expect(parseUiLine('[1,2]')).toBeNull();
    expect(parseUiLine('')).toBeNull();
  });
});

describe('UiSummary', () => {
  it('collects planned resources and the change counts of a plan', () => {
    const summary = new UiSummary();
    const progress = planLines.map((l) => summary.add(parseUiLine(l)!));
    expect(summary.resources).toEqual([
      { address: 'terraform_data.x', action: 'create' },
      { address: 'terraform_data.y', action: 'replace' },
    ]);
    expect(summary.changes).toEqual({ add: 2, change: 0, destroy: 1 });
    expect(progress[0]).toBeNull();
    expect(progress[1]).toEqual({ message: 'terraform_data.x: Plan to create' });
    expect(progress[3]).toEqual({
      message: 'Plan: 2 to add, 0 to change, 1 to destroy.',
      percent: undefined,
    });
  });

  it('reports apply progress as a share of the planned changes', () => {
    const summary = new UiSummary();
    for (const l of planLines.slice(1, 3)) summary.add(parseUiLine(l)!);
    const start = summary.add(parseUiLine(applyLines[0]!)!);
    const done = summary.add(parseUiLine(applyLines[1]!)!);
    const end = summary.add(parseUiLine(applyLines[2]!)!);
    expect(start).toEqual({ message: 'terraform_data.x: Creating...', percent: 0 });
    expect(done?.percent).toBe(50);
    expect(end?.percent).toBe(100);
    expect(summary.changes).toEqual({ add: 1, change: 0, destroy: 0 });
  });

  it('keeps error diagnostics apart from warnings', () => {
    const summary = new UiSummary();
    summary.add(
      parseUiLine(
        '{"@level":"warn","@message":"Warning: x","diagnostic":{"severity":"warning","summary":"x","detail":""},"type":"diagnostic"}',
      )!,
    );
    summary.add(
      parseUiLine(
        '{"@level":"error","@message":"Error: Saved plan is stale","diagnostic":{"severity":"error","summary":"Saved plan is stale","detail":"The given plan file can no longer be applied."},"type":"diagnostic"}',
      )!,
    );
    expect(summary.diagnostics).toHaveLength(2);
    expect(summary.errors()).toEqual([
      {
        severity: 'error',
        summary: 'Saved plan is stale',
        detail: 'The given plan file can no longer be applied.',
      },
    ]);
  });
});

describe('describeFailure', () => {
  it('names a held state lock, retryable', () => {
    const f = describeFailure(
      'terraform apply',
      [
        {
          severity: 'error',
          summary: 'Error acquiring the state lock',
          detail: 'HTTP remote state already locked: ID=abc\n\nLock Info: …',
        },
      ],
      '',
    );
    expect(f).toEqual({
      kind: 'state_locked',
      retryable: true,
      message: expect.stringContaining('HTTP remote state already locked: ID=abc'),
    });
  });

  it('tells a stale plan, a backend problem and anything else apart', () => {
    expect(
      describeFailure('t apply', [{ severity: 'error', summary: 'Saved plan is stale', detail: '' }], '')
        .kind,
    ).toBe('plan_stale');
    expect(describeFailure('t init', [], 'Error: HTTP remote state endpoint requires auth').kind).toBe(
      'state_backend',
    );
    const other = describeFailure(
      't plan',
      [{ severity: 'error', summary: 'Unsupported argument', detail: 'x' }],
      '',
    );
    expect(other).toEqual({
      kind: 'tofu_failed',
      retryable: false,
      message: 't plan failed: Unsupported argument: x',
    });
    expect(describeFailure('t plan', [], '').message).toBe('t plan failed: no error message');
  });
});

describe('errorText', () => {
  it('keeps the errors of plain-text output and drops warnings and box drawing before them', () => {
    const out = [
      'There are some problems with the CLI configuration:',
      '╷',
      '│ Warning: Unable to open CLI configuration file',
      '╵',
      'Error: Unclosed configuration block',
      '',
      '  on main.tf line 1:',
    ].join('\n');
    expect(errorText(out)).toBe('Error: Unclosed configuration block on main.tf line 1:');
    expect(errorText('just text\n')).toBe('just text');
  });
});

describe('outputsFrom', () => {
  it('drops the values of sensitive outputs', () => {
    expect(
      outputsFrom({
        url: { sensitive: false, type: 'string', value: 'http://x' },
        token: { sensitive: true, type: 'string', value: 'topsecret' },
        list: { sensitive: false, type: ['list', 'number'], value: [1, 2] },
      }),
    ).toEqual({
      url: { sensitive: false, type: 'string', value: 'http://x' },
      token: { sensitive: true, type: 'string', value: null },
      list: { sensitive: false, type: ['list', 'number'], value: [1, 2] },
    });
    expect(outputsFrom(null)).toEqual({});
  });
});

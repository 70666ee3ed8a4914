/**
 * One tofu run of `plan`, `apply` or `destroy` in the deployment directory: the steps (init, plan,
 * apply), what they reported (planned changes, summary, diagnostics, outputs) and the errors the
 * user should see. The flow around it is in deploy.ts.
 */
import { join } from 'node:path';
import { CliError } from './args.ts';
import { type Context, display } from './context.ts';
import type { DeployAction } from './edge.ts';
import {
  parseEvent,
  providerAdvice,
  providerInstallFailure,
  type RunResult,
  runTool,
  type Tool,
  type ToolEvent,
  toolEnv,
} from './tofu.ts';

/** The saved plan `apply` applies; removed afterwards (it can hold sensitive values). */
export const planFile = '.stackkit.tfplan';
const defaultInitTimeoutS = 120;

interface StepRecord {
  step: string;
  ok: boolean;
  exitCode: number | null;
  ms: number;
}

interface Change {
  address: string;
  action: string;
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
}

const symbols: Record<string, string> = {
  create: '+',
  update: '~',
  delete: '-',
  replace: '-/+',
  read: '<=',
  noop: ' ',
  move: '→',
  import: '←',
};

export class DeployRun {
  readonly steps: StepRecord[] = [];
  readonly changes: Change[] = [];
  readonly diagnostics: Diagnostic[] = [];
  summary: { add: number; change: number; remove: number } | null = null;
  outputs: Record<string, unknown> = {};
  tool: Tool | undefined;
  readonly ctx: Context;
  readonly action: DeployAction;
  readonly dir: string;

  constructor(ctx: Context, action: DeployAction, dir: string) {
    this.ctx = ctx;
    this.action = action;
    this.dir = dir;
  }

  details(): Record<string, unknown> {
    return {
      command: this.action,
      mode: 'local',
      dir: display(this.ctx, this.dir),
      tool: this.tool ? { name: this.tool.name, version: this.tool.version, path: this.tool.path } : null,
      steps: this.steps,
      ...(this.summary ? { changes: this.summary } : {}),
      resources: this.changes,
      diagnostics: this.diagnostics,
    };
  }

  fail(message: string, code: string): CliError {
    return new CliError(message, { code, details: this.details() });
  }

  /** Runs one tool command as a step with a spinner, feeding `-json` events to `onEvent`. */
  async run(
    label: string,
    args: string[],
    options: { timeoutMs?: number; json: boolean; onEvent?: (e: ToolEvent) => void },
  ): Promise<RunResult> {
    const { ui } = this.ctx;
    const tool = this.tool!;
    ui.debug(`$ (cd ${display(this.ctx, this.dir)} && ${tool.name} ${args.join(' ')})`);
    const step = ui.step(label);
    const started = performance.now();
    const result = await runTool(tool, args, {
      cwd: this.dir,
      env: toolEnv(this.ctx.io.env),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      onLine: (line) => {
        if (!line.trim()) return;
        const event = options.json ? parseEvent(line) : undefined;
        if (!event) {
          if (ui.verbose) step.log(ui.err('dim', `  ${line}`));
          return;
        }
        if (ui.verbose && event['@message']) step.log(ui.err('dim', `  ${event['@message']}`));
        if (event.type === 'diagnostic' && event.diagnostic) {
          const { severity, summary, detail } = event.diagnostic;
          this.diagnostics.push({ severity, summary, ...(detail ? { detail } : {}) });
        }
        options.onEvent?.(event);
        if (event['@message'] && !event.type.startsWith('version')) step.update(event['@message']);
      },
    });
    const ok = result.code === 0 && !result.timedOut && !result.interrupted;
    this.steps.push({
      step: args[0]!,
      ok,
      exitCode: result.code,
      ms: Math.round(performance.now() - started),
    });
    if (ok) step.succeed();
    else
      step.fail(result.timedOut ? 'timed out' : result.interrupted ? 'interrupted' : `exit ${result.code}`);
    if (result.interrupted)
      throw new CliError(`${tool.name} ${args[0]} was interrupted`, { code: 'interrupted', exitCode: 130 });
    return result;
  }

  /** Prints the error diagnostics (or the tool's last lines) of a failed step. */
  reportFailure(result: RunResult): void {
    if (this.ctx.ui.json) return;
    const errors = this.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      for (const d of errors) {
        this.ctx.io.stderr.write(
          `  ${d.summary}${d.detail ? `\n    ${d.detail.replace(/\n/g, '\n    ')}` : ''}\n`,
        );
      }
      return;
    }
    const text = `${result.stderr}\n${result.stdout}`
      .trim()
      .split('\n')
      .map((line) => {
        const event = parseEvent(line);
        return event ? (event['@message'] ?? '') : line;
      })
      .filter((line) => line.trim())
      .slice(-20)
      .join('\n');
    if (text) this.ctx.io.stderr.write(`${text}\n`);
  }

  async init(): Promise<void> {
    const { args } = this.ctx;
    const timeoutS = args.initTimeout ?? defaultInitTimeoutS;
    const initArgs = ['init', '-input=false', '-no-color'];
    if (args.pluginDir) initArgs.push(`-plugin-dir=${join(this.ctx.dir, args.pluginDir)}`);
    const result = await this.run(`${this.tool!.name} init`, initArgs, {
      timeoutMs: timeoutS * 1000,
      json: false,
    });
    if (result.code === 0 && !result.timedOut) return;
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.timedOut) {
      throw this.fail(
        `${this.tool!.name} init did not finish within ${timeoutS}s (stopped). It was probably waiting for a provider registry that cannot be reached; use a provider mirror (TF_CLI_CONFIG_FILE) or --plugin-dir, or raise --init-timeout`,
        'init_timeout',
      );
    }
    const provider = providerInstallFailure(output);
    if (provider) throw this.fail(providerAdvice(provider, this.tool!.name), 'provider_unavailable');
    this.reportFailure(result);
    throw this.fail(`${this.tool!.name} init failed (exit ${result.code})`, 'init_failed');
  }

  async plan(saved: boolean): Promise<void> {
    const planArgs = ['plan', '-input=false', '-json', '-lock-timeout=30s'];
    if (this.action === 'destroy') planArgs.push('-destroy');
    if (saved) planArgs.push(`-out=${planFile}`);
    const result = await this.run(
      `${this.tool!.name} plan${this.action === 'destroy' ? ' -destroy' : ''}`,
      planArgs,
      {
        json: true,
        onEvent: (e) => {
          const change = (e as { change?: { resource?: { addr?: string }; action?: string } }).change;
          if (e.type === 'planned_change' && change?.resource?.addr) {
            this.changes.push({ address: change.resource.addr, action: change.action ?? 'unknown' });
          }
          if (e.type === 'change_summary' && e.changes) {
            const { add, change: changed, remove } = e.changes;
            this.summary = { add, change: changed, remove };
          }
        },
      },
    );
    if (result.code !== 0) {
      this.reportFailure(result);
      throw this.fail(`${this.tool!.name} plan failed (exit ${result.code})`, 'plan_failed');
    }
  }

  printChanges(): void {
    const { ui } = this.ctx;
    for (const c of this.changes) {
      const color = c.action === 'create' ? 'green' : c.action === 'delete' ? 'red' : 'yellow';
      ui.print(`  ${ui.out(color, (symbols[c.action] ?? '?').padStart(3))} ${c.address}`);
    }
    const s = this.summary ?? { add: 0, change: 0, remove: 0 };
    ui.print(
      `${this.action === 'destroy' ? 'Destroy plan' : 'Plan'}: ${s.add} to add, ${s.change} to change, ${s.remove} to destroy.`,
    );
  }

  async apply(): Promise<void> {
    const result = await this.run(
      `${this.tool!.name} apply`,
      ['apply', '-input=false', '-json', '-lock-timeout=30s', planFile],
      {
        json: true,
        onEvent: (e) => {
          if (
            (e.type === 'apply_complete' || e.type === 'apply_errored') &&
            e['@message'] &&
            !this.ctx.ui.verbose
          ) {
            // Resource by resource, so a CI log shows how far it got.
            if (!this.ctx.ui.quiet && !this.ctx.io.stderr.isTTY)
              this.ctx.io.stderr.write(`  ${e['@message']}\n`);
          }
          if (e.type === 'outputs' && e.outputs) {
            this.outputs = Object.fromEntries(
              Object.entries(e.outputs).map(([k, v]) => [k, v.sensitive ? '(sensitive)' : v.value]),
            );
          }
        },
      },
    );
    if (result.code !== 0) {
      this.reportFailure(result);
      throw this.fail(`${this.tool!.name} apply failed (exit ${result.code})`, 'apply_failed');
    }
  }
}

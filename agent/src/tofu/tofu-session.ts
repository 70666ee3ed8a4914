/**
 * What `tofu.plan` and `tofu.apply` share: the stack's working directory, the binary, the
 * environment with the backend credential, and running one command with its `-json` lines
 * streamed to the job's log and progress.
 */
import type { TofuBackend } from '@kombify/proto/jobs';
import type { ExecContext } from '../executors/context.ts';
import { JobFailure } from '../executors/job-error.ts';
import { agentRuntime } from '../upgrade/runtime.ts';
import { describeFailure, parseUiLine, UiSummary } from './json-log.ts';
import { runTofu } from './run-tofu.ts';
import { requireTofu, type TofuBinary } from './tofu-binary.ts';
import { tofuEnv } from './tofu-env.ts';
import { stackWorkDir } from './workdir.ts';

export interface TofuSession extends TofuBinary {
  dir: string;
  /**
   * Runs `<binary> <args>` in the working directory. Output lines go to the job log (unless
   * `quiet`: `output -json` carries sensitive values) and UI messages into the summary. A failed
   * or cancelled run throws a JobFailure.
   */
  run(args: string[], opts?: { quiet?: boolean }): Promise<{ summary: UiSummary; stdout: string }>;
}

function dataDir(): string {
  const dir = agentRuntime()?.dataDir ?? process.env.KOMBIFY_AGENT_DATA_DIR;
  if (!dir) throw new JobFailure('agent_error', 'the agent has no data directory for OpenTofu working files');
  return dir;
}

export async function openTofuSession(
  ctx: ExecContext,
  target: { stack: string; workspace: string; backend?: TofuBackend; vars?: Record<string, string> },
): Promise<TofuSession> {
  const binary = await requireTofu();
  const dir = stackWorkDir(dataDir(), target.stack, target.workspace);
  const env = tofuEnv(process.env, { backend: target.backend, vars: target.vars });
  const secrets = target.backend ? [target.backend.password] : [];
  return {
    ...binary,
    dir,
    async run(args, opts = {}) {
      const command = `${binary.binary} ${args[0]}`;
      ctx.log('system', `running ${command} in ${dir}`);
      const summary = new UiSummary();
      let stdout = '';
      const result = await runTofu(binary.binary, args, {
        cwd: dir,
        env,
        signal: ctx.signal,
        secrets,
        onStdout: (line) => {
          if (opts.quiet) {
            stdout += `${line}\n`;
            return;
          }
          ctx.log('stdout', line);
          const msg = parseUiLine(line);
          const progress = msg ? summary.add(msg) : null;
          if (progress) ctx.progress(progress.message, progress.percent);
        },
        onStderr: (line) => ctx.log('stderr', line),
      });
      if (result.cancelled) {
        ctx.log('system', `${command} stopped after the job was cancelled`);
        throw new JobFailure('cancelled', `${command} was cancelled`);
      }
      if (result.code !== 0) {
        const failure = describeFailure(command, summary.errors(), result.stderrTail);
        throw new JobFailure(failure.kind, failure.message, failure.retryable);
      }
      return { summary, stdout };
    },
  };
}

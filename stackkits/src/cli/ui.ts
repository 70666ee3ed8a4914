/**
 * What the CLI prints, for people and for machines (STYLE.md point 10):
 *
 * - stdout carries results: human text, or exactly one JSON document with `--json`.
 * - stderr carries progress and errors. On a terminal a step is a spinner line that ends as
 *   `✓ label (1.2s)`; elsewhere (CI logs, pipes) the same steps are plain lines.
 * - Colours only when the stream is a terminal, `NO_COLOR` is unset or empty (no-color.org) and
 *   `--no-color` was not given.
 * - `-q` silences progress and informational lines (errors and the results of query commands still
 *   print); `-v` adds detail such as the commands run and the tool's own output.
 */

import { CliError } from './args.ts';

/** The part of a writable stream the CLI uses (process.stdout, or a fake one in tests). */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** The part of a readable stream the CLI uses to ask for a confirmation. */
export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

/** Everything the CLI touches of its process, so it can run in-process in tests. */
export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: Record<string, string | undefined>;
  /** Directory relative paths are resolved against (before `-C`). */
  cwd: string;
}

export interface UiOptions {
  quiet?: boolean;
  verbose?: boolean;
  json?: boolean;
  noColor?: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const codes: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

/** Whether to colour a stream: a terminal, NO_COLOR unset or empty, no --no-color. */
export function useColor(stream: OutStream, env: Io['env'], noColor = false): boolean {
  return Boolean(stream.isTTY) && !noColor && !env.NO_COLOR;
}

export type Paint = (style: Style, text: string) => string;

function painter(enabled: boolean): Paint {
  return (style, text) => (enabled ? `\u001b[${codes[style][0]}m${text}\u001b[${codes[style][1]}m` : text);
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** One long step: a spinner on a terminal, plain start/end lines elsewhere. */
export interface Step {
  /** Replaces the detail shown after the label (terminal only; plain output prints it with -v). */
  update(detail: string): void;
  /** Prints a line under the step without breaking the spinner. */
  log(line: string): void;
  succeed(message?: string): void;
  warn(message?: string): void;
  fail(message?: string): void;
}

export class Ui {
  readonly io: Io;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly json: boolean;
  /** Colours for stdout / stderr. */
  readonly out: Paint;
  readonly err: Paint;
  private readonly live: boolean;

  constructor(io: Io, options: UiOptions = {}) {
    this.io = io;
    this.quiet = Boolean(options.quiet);
    this.verbose = Boolean(options.verbose) && !this.quiet;
    this.json = Boolean(options.json);
    this.out = painter(useColor(io.stdout, io.env, options.noColor));
    this.err = painter(useColor(io.stderr, io.env, options.noColor));
    this.live = Boolean(io.stderr.isTTY) && !this.quiet;
  }

  /** A result line on stdout (not in --json mode, where the JSON document is the result). */
  print(line = ''): void {
    if (!this.json) this.io.stdout.write(`${line}\n`);
  }

  /** An informational line on stdout; silenced by -q and --json. */
  info(line = ''): void {
    if (!this.quiet) this.print(line);
  }

  /** Detail shown with -v, on stderr so it never mixes with results. */
  debug(line: string): void {
    if (this.verbose) this.io.stderr.write(`${this.err('dim', line)}\n`);
  }

  warn(line: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.err('yellow', 'warning:')} ${line}\n`);
  }

  /** An error line on stderr; never silenced. */
  error(line: string): void {
    this.io.stderr.write(`${this.err('red', 'error:')} ${line}\n`);
  }

  /** The single JSON document of --json mode. */
  result(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Starts a long step. Progress goes to stderr; -q hides it. */
  step(label: string): Step {
    const started = performance.now();
    const elapsed = () => {
      const ms = performance.now() - started;
      return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
    };
    const paint = this.err;
    const write = (text: string) => this.io.stderr.write(text);
    const end = (mark: string, message: string | undefined) =>
      `${mark} ${label}${message ? `: ${message}` : ''} ${paint('dim', `(${elapsed()})`)}\n`;

    if (this.quiet) {
      return {
        update() {},
        log() {},
        succeed() {},
        warn: (m) => write(end(paint('yellow', '!'), m)),
        fail: (m) => write(end(paint('red', '✗'), m)),
      };
    }
    if (!this.live) {
      write(`${label}…\n`);
      return {
        update: (detail) => {
          if (this.verbose) write(`  ${detail}\n`);
        },
        log: (line) => write(`${line}\n`),
        succeed: (m) => write(end('✓', m)),
        warn: (m) => write(end('!', m)),
        fail: (m) => write(end('✗', m)),
      };
    }
    let frame = 0;
    let detail = '';
    const render = () => {
      const text = `${paint('cyan', frames[frame % frames.length]!)} ${label}${detail ? paint('dim', ` — ${detail}`) : ''}`;
      write(`\r\u001b[2K${text.slice(0, 400)}`);
    };
    const clear = () => write('\r\u001b[2K');
    const timer = setInterval(() => {
      frame += 1;
      render();
    }, 80);
    timer.unref?.();
    render();
    const stop = (line: string) => {
      clearInterval(timer);
      clear();
      write(line);
    };
    return {
      update: (d) => {
        detail = d;
        render();
      },
      log: (line) => {
        clear();
        write(`${line}\n`);
        render();
      },
      succeed: (m) => stop(end(paint('green', '✓'), m)),
      warn: (m) => stop(end(paint('yellow', '!'), m)),
      fail: (m) => stop(end(paint('red', '✗'), m)),
    };
  }

  /**
   * Asks the user to type `yes` (on stderr, reading one line of stdin). Only call when stdin is a
   * terminal; the commands refuse earlier without one. End of input counts as "no"; Ctrl-C
   * rejects with an `interrupted` CliError (exit 130).
   */
  async confirm(question: string): Promise<boolean> {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: this.io.stdin, output: this.io.stderr as NodeJS.WritableStream });
    try {
      return await new Promise<boolean>((resolve, reject) => {
        rl.on('SIGINT', () => {
          this.io.stderr.write('\n');
          reject(new CliError('interrupted; nothing was changed', { code: 'interrupted', exitCode: 130 }));
        });
        rl.on('close', () => resolve(false));
        rl.question(`${question}\n  Only 'yes' will be accepted: `).then(
          (answer) => resolve(answer.trim() === 'yes'),
          () => resolve(false),
        );
      });
    } finally {
      rl.close();
    }
  }
}

/**
 * A secret's value enters the CLI here and only here: from stdin, never from argv (which ends up
 * in shell history and in `ps` for every user of the machine).
 *
 * - Piped: everything up to end of input, minus exactly one trailing newline (`echo` and most
 *   editors add one; `\r\n` counts as one). A value that must end in a newline ends in two.
 * - On a terminal: one line, typed without echo (raw mode), ended by Enter or Ctrl-D.
 */
import { CliError } from './args.ts';
import type { InStream, Io } from './ui.ts';

/** Bounds memory only: the edge has its own, smaller cap (64 KiB) and names it on a 400. */
const MAX_INPUT_BYTES = 1024 * 1024;

type TtyIn = InStream & { setRawMode?: (on: boolean) => unknown };

/** Reads the value; an empty one is a {@link CliError} (`empty_value`). */
export async function readSecretValue(io: Io, path: string): Promise<string> {
  const stdin = io.stdin as TtyIn;
  const raw = stdin.setRawMode?.bind(stdin);
  const value = stdin.isTTY && raw ? await readHidden(io, stdin, raw, path) : await readPiped(stdin);
  if (value === '') {
    throw new CliError(
      `the value for ${path} is empty: pipe it in (printf '%s' "$VALUE" | stackkit secret set ${path}), or use --generate`,
      { code: 'empty_value' },
    );
  }
  return value;
}

async function readPiped(stdin: InStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > MAX_INPUT_BYTES) {
      throw new CliError('more than 1 MiB on stdin; the edge stores values of at most 64 KiB', {
        code: 'invalid_value',
      });
    }
    chunks.push(bytes);
  }
  let text: string;
  try {
    // fatal: a binary value would otherwise be stored with U+FFFD where its bytes were.
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new CliError('the value on stdin is not UTF-8 text (encode binary values, e.g. base64)', {
      code: 'invalid_value',
    });
  }
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

function readHidden(io: Io, stdin: InStream, setRawMode: (on: boolean) => unknown, path: string) {
  return new Promise<string>((resolve, reject) => {
    // Raw mode before the prompt: keys typed as soon as it shows are not echoed either.
    setRawMode(true);
    io.stderr.write(`Value for ${path} (not shown; Enter to finish): `);
    let chars: string[] = [];
    const finish = (done: () => void) => {
      stdin.removeListener('data', onData);
      setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      done();
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(chars.join('')));
        if (ch === '\u0003') {
          // Raw mode turns Ctrl-C into a byte instead of SIGINT.
          return finish(() =>
            reject(new CliError('interrupted; nothing was changed', { code: 'interrupted', exitCode: 130 })),
          );
        }
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else if (ch === '\u0015')
          chars = []; // Ctrl-U, as in a cooked terminal
        else chars.push(ch);
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** A command run in a container through the Engine API's exec, its output demultiplexed. */
import type Docker from 'dockerode';

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr as the command wrote them (interleaved). */
  output: string;
}

/** Docker's multiplexed stream: 8-byte frames (stream, 0, 0, 0, size BE32) then `size` bytes. */
function demux(raw: Buffer): string {
  let text = '';
  for (let at = 0; at + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(at + 4);
    text += raw.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text;
}

/** Runs `cmd` in the container; rejects when it outlives `timeoutMs` (the exec keeps running there). */
export async function execIn(
  docker: Docker,
  container: string,
  cmd: string[],
  timeoutMs = 60_000,
): Promise<ExecResult> {
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
  } finally {
    clearTimeout(timer);
  }
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, output: demux(Buffer.concat(chunks)) };
}

/** Runs the real `junction` CLI as a child process, the way a user does, for end-to-end tests. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface RunningJunction {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** The match of `ready` in the output. */
  match: RegExpExecArray;
}

export interface SpawnOptions {
  /** Variables added to (or replacing) this process's environment for the child. */
  env?: NodeJS.ProcessEnv;
}

/** Start `junction <args>` and resolve once its output matches `ready`; reject if it exits first. */
export async function spawnJunction(args: string[], ready: RegExp, options: SpawnOptions = {}): Promise<RunningJunction> {
  const env = options.env ? { ...process.env, ...options.env } : process.env;
  const child = spawn(process.execPath, ['bin/junction.js', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  child.stdin.end();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = ready.exec(output);
      if (found) resolve(found);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => reject(new Error(`junction exited before it was ready: ${output}`)));
  });
  return { child, exited, output: () => output, match };
}

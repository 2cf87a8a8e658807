/**
 * The benchmark's child processes: start one and wait until it says it listens, stop one or all
 * (also when the harness is interrupted or fails), and sample CPU time and RSS from /proc.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

/** A running child that announced its URL. */
export interface Child {
  name: string;
  pid: number;
  url: string;
  process: ChildProcess;
  /** The last few KB of its output, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Matched against stdout; the first group is the child's URL. Absent: resolve once spawned (a task, not a server). */
  ready?: RegExp;
  timeoutMs?: number;
  /** Open an IPC channel (the load generator reports over it). */
  ipc?: boolean;
  onMessage?: (message: unknown) => void;
  /** Also write everything the child prints (stdout and stderr) to this file. */
  logFile?: string;
}

const running = new Set<Child>();
const OUTPUT_TAIL = 8_192;

/** Runs `node <args>` and resolves once its stdout matches `options.ready`. */
export function startChild(name: string, args: string[], options: StartOptions): Promise<Child> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const logFile = options.logFile === undefined ? undefined : createWriteStream(options.logFile);
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL);
    logFile?.write(chunk);
  };
  child.stderr?.on('data', keep);
  if (options.onMessage) child.on('message', options.onMessage);
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => {
      logFile?.end();
      resolve(code ?? (signal ? 128 : null));
    }),
  );

  return new Promise<Child>((resolve, reject) => {
    let url: string | undefined;
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${options.timeoutMs ?? 60_000} ms:\n${tail}`)), options.timeoutMs ?? 60_000);
    const handle: Child = {
      name,
      pid: child.pid ?? -1,
      get url() {
        return url ?? '';
      },
      process: child,
      output: () => tail,
      exited,
      stop: async (graceMs = 15_000) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(killer);
        }
        running.delete(handle);
        return exited;
      },
    };
    running.add(handle);
    if (options.ready === undefined) {
      url = '';
      clearTimeout(timer);
      child.once('spawn', () => resolve(handle));
      child.once('error', (error) => reject(error));
    }
    function fail(error: Error): void {
      clearTimeout(timer);
      void handle.stop(1_000);
      reject(error);
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (url !== undefined) return;
      const match = options.ready?.exec(tail);
      if (!match) return;
      url = match[1];
      clearTimeout(timer);
      resolve(handle);
    });
    child.once('exit', (code) => {
      if (url === undefined) fail(new Error(`${name} exited with ${code} before it was ready:\n${tail}`));
      running.delete(handle);
    });
  });
}

/** Stops every child still running, in parallel. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop(10_000)));
}

/** Children never outlive the harness: Ctrl-C, SIGTERM, a crash or a plain exit take them down. */
export function stopChildrenOnExit(): void {
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`\nbench: ${signal}, stopping child processes`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  // Last resort, synchronous: whatever is left when the process exits is killed outright.
  process.once('exit', () => {
    for (const child of running) child.process.kill('SIGKILL');
  });
}

/** CPU time (user + system, seconds) and resident memory (bytes) of one process. */
export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Reads /proc/<pid>/stat and /status; undefined when the process is gone (or not on Linux). */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** The process and all its descendants (cluster workers), found by parent id. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone between the listing and the read.
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
  }
  return tree;
}

/** CPU and memory of one named process (with its descendants) over a measured run. */
export interface Usage {
  /** Percent of one core, averaged over the run. */
  cpuPercent: number;
  /** Highest resident memory seen, MB. */
  rssMaxMb: number;
}

/** Samples named process trees every `intervalMs` between start() and stop(). */
export class UsageMeter {
  private trees = new Map<string, number[]>();
  private first = new Map<string, number>();
  private last = new Map<string, number>();
  private rssMax = new Map<string, number>();
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: Record<string, number>,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    for (const [name, pid] of Object.entries(this.targets)) this.trees.set(name, processTree(pid));
    this.startedAt = performance.now();
    this.sample(this.first);
    this.timer = setInterval(() => this.sample(this.last), this.intervalMs);
  }

  stop(): Record<string, Usage> {
    clearInterval(this.timer);
    this.sample(this.last);
    const seconds = (performance.now() - this.startedAt) / 1000;
    const usage: Record<string, Usage> = {};
    for (const name of this.trees.keys()) {
      const cpu = (this.last.get(name) ?? 0) - (this.first.get(name) ?? 0);
      usage[name] = { cpuPercent: seconds > 0 ? (cpu / seconds) * 100 : 0, rssMaxMb: (this.rssMax.get(name) ?? 0) / 1_048_576 };
    }
    return usage;
  }

  private sample(into: Map<string, number>): void {
    for (const [name, pids] of this.trees) {
      let cpu = 0;
      let rss = 0;
      for (const pid of pids) {
        const sample = readProc(pid);
        if (sample === undefined) continue;
        cpu += sample.cpuSeconds;
        rss += sample.rssBytes;
      }
      into.set(name, cpu);
      this.rssMax.set(name, Math.max(this.rssMax.get(name) ?? 0, rss));
    }
  }
}

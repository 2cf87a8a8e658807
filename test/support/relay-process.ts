/**
 * A TCP relay (test/support/tcp-relay.ts) in a process of its own, told over IPC to cut and
 * restore. In front of a server that several processes under load share, a relay inside the
 * test's own process would stall whenever the test is busy sending, and the others would see
 * a slow server that is not there.
 *
 * Run as a child (`node --import tsx relay-process.ts <host> <port>`), it prints nothing and
 * answers each message `{ id, command }` with `{ id, port? }` once done.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTcpRelay } from './tcp-relay';

type Command = 'listen' | 'cut' | 'restore' | 'close';

export interface RelayProcess {
  port: number;
  /** Drop every connection and refuse new ones: the server has stopped. */
  cut(): Promise<void>;
  /** Accept connections again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the relay process in front of `target` and resolves once it listens. */
export async function startRelayProcess(target: { host: string; port: number }): Promise<RelayProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [target.host, String(target.port)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let next = 0;
  const waiting = new Map<number, (reply: { port?: number }) => void>();
  child.on('message', (reply: { id: number; port?: number }) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  const ask = (command: Command) =>
    new Promise<{ port?: number }>((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error('the relay process has exited'));
      const id = (next += 1);
      waiting.set(id, resolve);
      child.send({ id, command });
      void exited.then(() => reject(new Error(`the relay process exited before answering ${command}`)));
    });
  const { port } = await ask('listen');
  return {
    port: port!,
    cut: async () => void (await ask('cut')),
    restore: async () => void (await ask('restore')),
    close: async () => {
      if (child.exitCode === null) {
        await ask('close').catch(() => undefined);
        await exited;
      }
    },
  };
}

// The child: relays until told to close, or until its parent goes away.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const relay = createTcpRelay({ host: process.argv[2]!, port: Number(process.argv[3]) });
  process.on('disconnect', () => process.exit(0));
  process.on('message', async ({ id, command }: { id: number; command: Command }) => {
    switch (command) {
      case 'listen':
        process.send!({ id, port: await relay.listen() });
        return;
      case 'cut':
        relay.cut();
        break;
      case 'restore':
        relay.restore();
        break;
      case 'close':
        await relay.close();
        process.send!({ id });
        process.disconnect();
        return;
    }
    process.send!({ id });
  });
}

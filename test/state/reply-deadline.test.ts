/**
 * replyDeadline against the real Redis, over a raw socket: Redis is another process, so it
 * answers while this one is kept busy, and the reply waits in the socket as it does in a
 * replica busy with a burst of requests.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { replyDeadline } from '../../src/state/redis/reply-deadline';

const REDIS_URL = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

/** Keeps the event loop busy for `ms`. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** A PING against `deadlineMs`, with the loop kept busy for `busyMs` right after it is sent (or nothing sent). */
async function race(deadlineMs: number, busyMs: number, send = true): Promise<'reply' | 'expired'> {
  const socket = connect(Number(REDIS_URL.port || 6379), REDIS_URL.hostname);
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  try {
    return await new Promise<'reply' | 'expired'>((resolve) => {
      const deadline = replyDeadline(deadlineMs, () => resolve('expired'));
      socket.once('data', () => {
        deadline.cancel();
        resolve('reply');
      });
      if (send) socket.write('PING\r\n');
      busyFor(busyMs);
    });
  } finally {
    socket.destroy();
  }
}

describe('replyDeadline', () => {
  it('takes a reply that arrived while the loop was busy past the deadline, rather than calling it late', async () => {
    for (let round = 0; round < 5; round++) expect(await race(20, 100)).toBe('reply');
  });

  it('expires when no reply comes', async () => {
    expect(await race(20, 0, false)).toBe('expired');
  });

  it('never expires once cancelled', async () => {
    let expired = false;
    const deadline = replyDeadline(5, () => (expired = true));
    deadline.cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(expired).toBe(false);
  });
});

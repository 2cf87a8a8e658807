/**
 * The real child processes: the minimal upstream and the floor proxy started as the harness
 * starts them, a request through the floor, and the /proc readings of a live process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFloor, startUpstream } from './harness';
import { processTree, readProc, stopAll, UsageMeter } from './processes';
import type { Child } from './processes';
import { chatBody } from './scenarios';
import { renderCompletion } from './upstream';

describe('bench processes', () => {
  let upstream: Child;
  let floor: Child;
  beforeAll(async () => {
    upstream = await startUpstream({ kind: 'minimal', port: 0 });
    floor = await startFloor(upstream.url);
  }, 60_000);
  afterAll(() => stopAll());

  it('the floor proxy passes the upstream’s answer through byte for byte', async () => {
    const response = await fetch(`${floor.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody('bench-b', false) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(renderCompletion('bench-b'));
  });

  it('reads CPU time and RSS of a live process, and nothing of a dead one', async () => {
    const sample = readProc(upstream.pid);
    expect(sample!.rssBytes).toBeGreaterThan(1_000_000);
    expect(sample!.cpuSeconds).toBeGreaterThan(0);
    expect(processTree(process.pid)).toEqual(expect.arrayContaining([process.pid, upstream.pid, floor.pid]));
    const meter = new UsageMeter({ floor: floor.pid }, 50);
    meter.start();
    expect(Object.keys(meter.stop())).toEqual(['floor']);
    expect(await floor.stop()).toBe(0);
    expect(readProc(floor.pid)).toBeUndefined();
  });
});

import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sampleEntry } from '../../test/conformance/ledger.suite';
import { JunctionError } from '../errors';
import { GatewayEvents } from '../gateway/events';
import { logRequests } from './logger';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const events = new GatewayEvents();
  logRequests(events, pino({ level }, stream));
  return { events, lines };
}

describe('logRequests', () => {
  it('logs one line per request at info, with the request id and cost', () => {
    const { events, lines } = capture('info');
    events.emit({ type: 'request-end', entry: sampleEntry(1) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request', requestId: sampleEntry(1).requestId, costUsd: sampleEntry(1).costUsd });
  });

  it('at warn, logs failed requests only', () => {
    const { events, lines } = capture('warn');
    events.emit({ type: 'request-end', entry: sampleEntry(1) });
    events.emit({ type: 'request-end', entry: { ...sampleEntry(2), status: 400 }, error: new JunctionError('invalid_request', 'bad') });
    events.emit({ type: 'request-end', entry: { ...sampleEntry(3), status: 503 }, error: new JunctionError('all_deployments_failed', 'none') });
    expect(lines.map((line) => line.msg)).toEqual(['request failed']);
    expect(lines[0]).toMatchObject({ errorCode: 'all_deployments_failed' });
  });
});

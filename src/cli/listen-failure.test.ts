import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asListenError, ListenError, type ListenFailure } from '../http/listen-error';
import { describeListenFailure } from './listen-failure';

const GATEWAY = { port: '--port or server.port in junction.yaml', host: '--host or server.host in junction.yaml' };

describe('describeListenFailure', () => {
  it.each<[ListenFailure, string, number, string]>([
    ['EADDRINUSE', '127.0.0.1', 4000, 'junction serve: port 4000 is already in use (127.0.0.1:4000); choose another with --port or server.port in junction.yaml'],
    ['EACCES', '0.0.0.0', 80, 'junction serve: no permission to listen on 0.0.0.0:80 (ports below 1024 need privileges); choose another port with --port or server.port in junction.yaml'],
    ['EADDRNOTAVAIL', '10.9.9.9', 4000, 'junction serve: cannot listen on 10.9.9.9:4000: 10.9.9.9 is not an address of this machine; change it with --host or server.host in junction.yaml'],
    ['ENOTFOUND', 'gateway.invalid', 4000, 'junction serve: cannot listen on gateway.invalid:4000: the host name gateway.invalid does not resolve; change it with --host or server.host in junction.yaml'],
    ['EADDRINUSE', '::1', 4000, 'junction serve: port 4000 is already in use ([::1]:4000); choose another with --port or server.port in junction.yaml'],
  ])('%s on %s:%i is one line naming what to change', (code, host, port, line) => {
    expect(describeListenFailure('serve', new ListenError('gateway', host, port, code, undefined), GATEWAY)).toBe(line);
  });

  it('says when it is the simulated upstreams that could not listen', () => {
    const error = new ListenError('simulator', '127.0.0.1', 4010, 'EADDRINUSE', undefined);
    expect(describeListenFailure('serve', error, { port: 'simulator.port in demo.yaml', host: 'simulator.host in demo.yaml' })).toBe(
      'junction serve: port 4010 is already in use (127.0.0.1:4010 for the simulated upstreams); choose another with simulator.port in demo.yaml',
    );
  });
});

describe('asListenError', () => {
  let busy: Server;
  let port: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it("recognises the operating system's error for a port in use", async () => {
    const second = createServer();
    const thrown = await new Promise<unknown>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    const error = asListenError(thrown, 'gateway', '127.0.0.1', port);
    expect(error).toBeInstanceOf(ListenError);
    expect(error).toMatchObject({ code: 'EADDRINUSE', listener: 'gateway', host: '127.0.0.1', port, cause: thrown });
  });

  it('leaves anything else alone, so a bug keeps its stack trace', () => {
    expect(asListenError(new TypeError('x is not a function'), 'gateway', '127.0.0.1', port)).toBeUndefined();
    expect(asListenError(Object.assign(new Error('boom'), { code: 'ECONNRESET' }), 'gateway', '127.0.0.1', port)).toBeUndefined();
  });
});

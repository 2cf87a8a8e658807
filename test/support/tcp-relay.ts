/**
 * A TCP relay in front of a real server (Redis, in the tests) that a test can freeze: a frozen
 * connection stays open and keeps taking bytes, but forwards nothing either way until thawed.
 * To the client, the server has stopped answering mid-connection (a stopped process, a
 * partition that drops packets), which no real server can be told to do to one client alone.
 * On thaw the held bytes go through in order, so the server then answers everything late.
 * It can also be cut: every connection is dropped and new ones are closed as soon as they are
 * accepted, as if the server had stopped, until it is restored.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpRelay {
  /** Listen (on loopback); port 0, or none, picks a free one. Resolves with the port. */
  listen(port?: number): Promise<number>;
  /** Freeze every connection, open or yet to come; or only the `index`-th accepted (0-based), open or yet to come. */
  freeze(index?: number): void;
  /** Forward what was held, and everything from now on. */
  thaw(): void;
  /** Drop every connection, and close each new one at once, until `restore`: the server has stopped. */
  cut(): void;
  /** Accept and forward connections again: the server is back. */
  restore(): void;
  /** How many connections were accepted so far. */
  readonly accepted: number;
  /** How many bytes are held, either way, on every connection. */
  readonly heldBytes: number;
  /** Stop listening and drop every connection. */
  close(): Promise<void>;
}

interface Link {
  index: number;
  client: Socket;
  server: Socket;
  /** Bytes held while frozen, each with the socket it is for, in arrival order. */
  held: Array<{ to: Socket; chunk: Buffer }>;
}

export function createTcpRelay(target: { host: string; port: number }): TcpRelay {
  let everything = false;
  let isCut = false;
  const frozenIndexes = new Set<number>();
  const links = new Set<Link>();
  let accepted = 0;
  const isFrozen = (link: Link) => everything || frozenIndexes.has(link.index);

  function forward(link: Link, to: Socket, chunk: Buffer): void {
    if (isFrozen(link)) link.held.push({ to, chunk });
    else to.write(chunk);
  }

  const server = createServer(function relay(client) {
    if (isCut) {
      client.destroy();
      return;
    }
    const link: Link = { index: accepted, client, server: connect(target.port, target.host), held: [] };
    accepted += 1;
    links.add(link);
    client.on('data', (chunk: Buffer) => forward(link, link.server, chunk));
    link.server.on('data', (chunk: Buffer) => forward(link, client, chunk));
    const drop = () => {
      links.delete(link);
      client.destroy();
      link.server.destroy();
    };
    client.on('error', drop).on('close', drop);
    link.server.on('error', drop).on('close', drop);
  });

  return {
    listen(port = 0) {
      return new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    },
    freeze(index?: number) {
      if (index === undefined) everything = true;
      else frozenIndexes.add(index);
    },
    thaw() {
      everything = false;
      frozenIndexes.clear();
      for (const link of links) {
        for (const { to, chunk } of link.held.splice(0)) to.write(chunk);
      }
    },
    cut() {
      isCut = true;
      for (const link of links) {
        link.client.destroy();
        link.server.destroy();
      }
      links.clear();
    },
    restore() {
      isCut = false;
    },
    get accepted() {
      return accepted;
    },
    get heldBytes() {
      let bytes = 0;
      for (const link of links) for (const { chunk } of link.held) bytes += chunk.length;
      return bytes;
    },
    close() {
      for (const link of links) {
        link.client.destroy();
        link.server.destroy();
      }
      links.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

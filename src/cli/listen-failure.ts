import { formatAddress, type ListenError } from '../http/listen-error';

/** Where a listener's port and host are set, as the person reading the message would change them. */
export interface ListenSettings {
  /** e.g. `--port or server.port in junction.yaml` */
  port: string;
  /** e.g. `--host or server.host in junction.yaml` */
  host: string;
}

/**
 * One line saying why a listener could not start and what to change: the port when it is
 * taken or privileged, the host when it is not this machine's or does not resolve.
 */
export function describeListenFailure(command: string, error: ListenError, settings: ListenSettings): string {
  const what = error.listener === 'simulator' ? ' for the simulated upstreams' : '';
  const address = formatAddress(error.host, error.port);
  switch (error.code) {
    case 'EADDRINUSE':
      return `junction ${command}: port ${error.port} is already in use (${address}${what}); choose another with ${settings.port}`;
    case 'EACCES':
      return `junction ${command}: no permission to listen on ${address}${what} (ports below 1024 need privileges); choose another port with ${settings.port}`;
    case 'EADDRNOTAVAIL':
      return `junction ${command}: cannot listen on ${address}${what}: ${error.host} is not an address of this machine; change it with ${settings.host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `junction ${command}: cannot listen on ${address}${what}: the host name ${error.host} does not resolve; change it with ${settings.host}`;
  }
}

/**
 * A run-time change to one route's routing (MCP's configure_routing): applied to the data the
 * running config was validated from and validated again as a whole, exactly as a file would be,
 * so a change that would not pass in the config file does not pass here either. The result is
 * applied like a reload. It lasts until the next reload from the file, or a restart.
 */
import { ConfigError, configFromObject } from '../config';
import { sourceOf } from '../config/config-source';
import type { JunctionConfig } from '../config/types';
import { JunctionError } from '../errors';

export interface RoutingChange {
  route: string;
  strategy?: string;
  /** The primary tier, in order of preference. */
  deployments?: string[];
  /** The fallback chain (secondary tier); empty removes it. */
  secondary?: string[];
}

export function configureRoute(active: JunctionConfig, change: RoutingChange): JunctionConfig {
  const source = sourceOf(active);
  if (source === undefined) throw new JunctionError('invalid_request', 'this gateway’s config was not kept as data, so its routing cannot be changed at run time');
  const routes = source.data.routes as Record<string, Record<string, unknown>> | undefined;
  const route = routes?.[change.route];
  if (routes === undefined || route === undefined) {
    throw new JunctionError('invalid_request', `no route ${change.route}; routes: ${Object.keys(routes ?? {}).join(', ')}`, { param: 'route' });
  }
  const changed = { ...route };
  if (change.strategy !== undefined) changed.strategy = change.strategy;
  if (change.deployments !== undefined) changed.deployments = [...change.deployments];
  if (change.secondary !== undefined) {
    if (change.secondary.length > 0) changed.secondary = [...change.secondary];
    else delete changed.secondary;
  }
  routes[change.route] = changed;
  try {
    const next = configFromObject(source.data, { baseDir: source.baseDir });
    return active.file === undefined ? next : { ...next, file: active.file };
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new JunctionError('invalid_request', `the change would make the config invalid: ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    }
    throw error;
  }
}

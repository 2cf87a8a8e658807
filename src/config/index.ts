/**
 * Junction's configuration: `junction.yaml` validated once into plain runtime settings and the
 * routing catalog. See parse-config.ts for the entry points and schema.ts for the format.
 */
export type { ConfigIssue, JunctionConfig, LedgerSettings, LogLevel, ServerSettings, SimulatorSettings } from './types';
export { ConfigError, formatConfigIssues } from './config-error';
export { configFromObject, loadConfigFile, parseConfig } from './parse-config';
export type { ParseConfigOptions } from './parse-config';
export type { Env } from './interpolate';
export { DEFAULT_BASE_URLS } from './build-config';

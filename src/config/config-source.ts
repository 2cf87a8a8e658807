/**
 * The plain data a config was validated from (after `${VAR}` interpolation), kept with the
 * config so a run-time change (MCP's configure_routing) can be validated exactly as a file
 * would be: change the data, validate it again. Kept out of sight (not enumerable), so configs
 * still compare and print as before.
 */
import type { JunctionConfig } from './types';

const SOURCE = Symbol('junction.config-source');

export function withSource(config: JunctionConfig, source: unknown, baseDir: string): JunctionConfig {
  Object.defineProperty(config, SOURCE, { value: { data: structuredClone(source), baseDir }, enumerable: false });
  return config;
}

export function sourceOf(config: JunctionConfig): { data: Record<string, unknown>; baseDir: string } | undefined {
  const kept = (config as unknown as Record<symbol, { data: Record<string, unknown>; baseDir: string } | undefined>)[SOURCE];
  return kept === undefined ? undefined : { data: structuredClone(kept.data), baseDir: kept.baseDir };
}

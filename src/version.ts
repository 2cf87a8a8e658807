/** Junction's version, as package.json gives it (read once, at load). */
import { existsSync, readFileSync } from 'node:fs';

/**
 * The sources (src/version.ts) and the library bundle (dist/index.js) sit one folder below
 * package.json; the CLI bundle (dist/cli/junction.js) sits two below.
 */
const manifest = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((candidate) => existsSync(candidate)) ?? new URL('../package.json', import.meta.url);

export const VERSION: string = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;

/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --profile`): the
 * functions with the most self time, and self time by module (a package or a source file), so
 * a slow hot path can be read without a flame-graph viewer.
 *
 * `node --import tsx bench/profile.ts <file.cpuprofile> [top N]`
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The parts of the .cpuprofile JSON this reads. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Where a function lives: `pkg:<name>` for dependencies, the path from `src/` or `bench/`, or `node:` internals. */
export function moduleOf(url: string): string {
  if (url === '') return '(native / V8)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return `pkg:${dependency[1]}`;
  const own = /\/((?:src|bench|bin)\/.+)$/.exec(url);
  if (own) return own[1];
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

/** Self time per key (summed over samples), largest first, with each key's share of the whole. */
export function selfTimes(profile: CpuProfile, keyOf: (node: ProfileNode) => string): SelfTime[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let total = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const node = nodes.get(profile.samples[index]);
    const micros = profile.timeDeltas[index] ?? 0;
    if (node === undefined || micros < 0) continue;
    const key = keyOf(node);
    totals.set(key, (totals.get(key) ?? 0) + micros);
    total += micros;
  }
  return [...totals]
    .map(([name, micros]) => ({ name, ms: micros / 1000, share: total > 0 ? micros / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/** `name (module:line)`, and V8's pseudo-functions under their own names. */
export function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (url === '') return functionName === '' ? '(anonymous native)' : functionName;
  return `${functionName || '(anonymous)'} (${moduleOf(url)}:${lineNumber + 1})`;
}

function format(rows: SelfTime[], top: number): string {
  return rows
    .slice(0, top)
    .map((row) => `${(row.share * 100).toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(7)} ms  ${row.name}`)
    .join('\n');
}

/** The printed summary: idle and GC first, then the top functions and modules by self time. */
export function summariseProfile(profile: CpuProfile, top = 25): string {
  const functions = selfTimes(profile, functionKey);
  const modules = selfTimes(profile, (node) => (node.callFrame.url === '' ? functionKey(node) : moduleOf(node.callFrame.url)));
  const busy = functions.filter((row) => row.name !== '(idle)' && row.name !== '(program)');
  const busyMs = busy.reduce((sum, row) => sum + row.ms, 0);
  const rescale = (rows: SelfTime[]) => rows.filter((row) => row.name !== '(idle)' && row.name !== '(program)').map((row) => ({ ...row, share: busyMs > 0 ? row.ms / busyMs : 0 }));
  return [
    `busy ${busyMs.toFixed(0)} ms (idle ${(functions.find((row) => row.name === '(idle)')?.ms ?? 0).toFixed(0)} ms, program ${(functions.find((row) => row.name === '(program)')?.ms ?? 0).toFixed(0)} ms); shares are of busy time`,
    '',
    `Top ${top} functions by self time`,
    format(rescale(functions), top),
    '',
    `Top ${top} modules by self time`,
    format(rescale(modules), top),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node --import tsx bench/profile.ts <file.cpuprofile> [top N]');
    process.exit(2);
  }
  console.log(summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top ? Number(top) : 25));
}

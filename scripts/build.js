#!/usr/bin/env node
/**
 * Bundles the CLI into one JavaScript file, dist/cli/junction.js, for `npm start`, the
 * benchmarks and production, and the library entry (createRouter) into dist/index.js. Tests and `bin/junction.js` run the TypeScript source through tsx
 * instead; the bundle exists because a server that compiles nothing at start-up and carries no
 * per-closure name-keeping wrappers uses less memory and CPU.
 *
 * The bundle sits one folder deep, like its sources in src/cli/, so that paths the code resolves
 * from its own location (the demo config, the ledger's worker file copied beside it) hold in both.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const out = new URL('dist/cli/', root);
mkdirSync(out, { recursive: true });

// The CLI, and the library entry (createRouter). Dependencies stay in node_modules (better-sqlite3 is a native addon).
const bundles = [
  ['src/cli/run.ts', new URL('junction.js', out)],
  ['src/index.ts', new URL('dist/index.js', root)],
];
for (const [entry, outfile] of bundles) {
  await build({
    entryPoints: [new URL(entry, root).pathname],
    outfile: outfile.pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
// Started by the SQLite ledger as a worker thread, from beside the bundle, with the row codec it imports.
for (const file of ['ledger-worker.mjs', 'row-codec.mjs']) copyFileSync(new URL(`src/ledger/sqlite/${file}`, root), new URL(file, out));
// The dashboard's page, served from beside the bundle (src/http/dashboard/dashboard-api.ts looks in dashboard/ there).
mkdirSync(new URL('dashboard/', out), { recursive: true });
copyFileSync(new URL('src/http/dashboard/dashboard.html', root), new URL('dashboard/dashboard.html', out));

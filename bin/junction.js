#!/usr/bin/env node
// Runs the CLI from its TypeScript source (tsx compiles each module once on load). `npm start`
// and the benchmarks run the bundle from `npm run build` (dist/cli/junction.js) instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');

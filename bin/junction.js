#!/usr/bin/env node
// Junction is written in TypeScript and runs from source: tsx compiles each module once on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

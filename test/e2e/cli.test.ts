/**
 * The command line as a user runs it: help, exit codes, `check` on good and bad files, and the
 * demo that `npm start` runs, answering the curl line it prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnJunction } from '../support/cli';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/junction.js', ...args], { encoding: 'utf8', env: { ...process.env, DEMO_SECRET: 'sk-very-secret-value' } });

describe('junction CLI', () => {
  it('prints usage with --help and exits 0; exits 2 on an unknown command', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    for (const command of ['serve', 'check', 'simulate']) expect(help.stdout).toContain(command);
    const serveHelp = run('serve', '--help');
    expect(serveHelp.status).toBe(0);
    expect(serveHelp.stdout).toContain('--demo');
    const unknown = run('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('checks the bundled examples and exits 0', () => {
    const result = run('check', 'examples/demo/junction.yaml');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('gpt-4o-mini');
  });

  it('reports every mistake with file, line and path, exits 1, and never prints a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-check-'));
    const file = join(dir, 'junction.yaml');
    writeFileSync(
      file,
      `providers:
  openai:
    kind: openia
    apiKey: \${DEMO_SECRET}
deployments:
  mini:
    provider: openai
    model: gpt-4o-mini
    pricing: { input: -1, output: 0.6 }
    contextWindow: 128000
routes:
  chat: { deployments: [mini, ghost] }
`,
    );
    const result = run('check', file);
    expect(result.status).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/junction\.yaml:3:\d+: providers\.openai\.kind/);
    expect(output).toContain('pricing.input');
    expect(output).not.toContain('sk-very-secret-value');

    // References between sections are checked once each section is well-formed.
    writeFileSync(file, readFileSync(file, 'utf8').replace('openia', 'openai').replace('input: -1', 'input: 0.15'));
    const second = run('check', file);
    expect(second.status).toBe(1);
    expect(second.stdout + second.stderr).toMatch(/junction\.yaml:12:\d+: routes\.chat\.deployments\[1\].*ghost/);
  });

  it('checks every file it is given: a broken second file fails the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-check-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'routes:\n  chat: { deployments: [ghost] }\n');
    const result = run('check', 'examples/demo/junction.yaml', broken);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('examples/demo/junction.yaml: OK');
    expect(result.stderr).toContain(`${broken}:`);
    expect(run('check', broken, 'examples/demo/junction.yaml').status).toBe(1);
    expect(run('check', 'examples/demo/junction.yaml', 'examples/demo/junction.yaml').status).toBe(0);
  });

  it('exits 2 when the config file does not exist', () => {
    expect(run('check', 'no/such/file.yaml').status).toBe(2);
    expect(run('serve', '-c', 'no/such/file.yaml').status).toBe(2);
  });

  it('serves the bundled demo (what npm start runs) and answers the curl line it prints', async () => {
    const { child, exited, output: printed } = await spawnJunction(['serve', '--demo', '--port', '0'], /curl .+\n/);
    const output = printed();
    try {
      expect(output).toMatch(/Junction listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toContain('Routes:');
      // Run the printed curl line's request.
      const curl = /curl (\S+) -H 'content-type: application\/json' -d '(.+)'/.exec(output)!;
      const response = await fetch(curl[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: curl[2] });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0].message.content.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

/** A config with no simulator, so that only the gateway listens; nothing is sent upstream. */
function gatewayConfig(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'junction-listen-'));
  const file = join(dir, 'junction.yaml');
  writeFileSync(
    file,
    `logging: { level: warn }
ledger: { kind: none }
providers:
  up: { kind: openai, baseUrl: "http://127.0.0.1:9/v1", apiKey: unused }
deployments:
  mini: { provider: up, model: gpt-4o-mini, pricing: { input: 0.15, output: 0.6 }, contextWindow: 128000 }
routes:
  chat: { deployments: [mini] }
${extra}`,
  );
  return file;
}

describe('where junction serve listens', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  // Starting worker processes from the TypeScript source takes seconds on a busy machine.
  const STARTUP_MS = 90_000;
  const serve = (...args: string[]) => spawnSync(process.execPath, ['bin/junction.js', 'serve', ...args], { encoding: 'utf8', timeout: STARTUP_MS });

  it.each([[[]], [['--workers', '2']]])('a port in use is one line naming the port and how to change it, and exit 2 (%j)', (extra) => {
    const file = gatewayConfig();
    const result = serve('-c', file, '--port', String(busyPort), ...extra);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`junction serve: port ${busyPort} is already in use (127.0.0.1:${busyPort}); choose another with --port or server.port in ${file}\n`);
  }, STARTUP_MS);

  it("the simulated upstreams' port in use names simulator.port", () => {
    const file = gatewayConfig(`simulator: { port: ${busyPort} }\n`);
    const result = serve('-c', file, '--port', '0');
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `junction serve: port ${busyPort} is already in use (127.0.0.1:${busyPort} for the simulated upstreams); choose another with simulator.port in ${file} (and the baseUrl of the providers that use it)`,
    ]);
  });

  it.each([[[]], [['--workers', '2']]])('--host sets the address it listens on (%j)', async (extra) => {
    const { child, exited, output, match } = await spawnJunction(
      ['serve', '-c', gatewayConfig(), '--host', '127.0.0.2', '--port', '0', ...extra],
      /Junction listening on http:\/\/([\d.]+):(\d+)/,
    );
    try {
      expect(match[1]).toBe('127.0.0.2');
      const response = await fetch(`http://127.0.0.2:${match[2]}/health`);
      expect(response.status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${match[2]}/health`)).rejects.toThrow();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output()).toBe(0);
  }, STARTUP_MS);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand, checkFiles } from '../cli/check-command';

const SECRET = 'sk-live-9f8e7d6c5b4a';

const VALID = [
  'ledger: { kind: none }',
  'providers:',
  '  openai:',
  '    kind: openai',
  '    apiKey: ${OPENAI_API_KEY}',
  '  local:',
  '    kind: openai-compatible',
  '    preset: vllm',
  '    baseUrl: http://user:pass@127.0.0.1:8000/v1?token=abc',
  'deployments:',
  '  mini:',
  '    provider: openai',
  '    model: gpt-4o-mini',
  '    pricing: { input: 0.15, output: 0.6 }',
  '    contextWindow: 128000',
  '  llama:',
  '    provider: local',
  '    model: llama-3.1-8b',
  '    pricing: { input: 0, output: 0 }',
  '    contextWindow: 8192',
  'routes:',
  '  chat:',
  '    deployments: [llama, mini]',
  'state: { kind: redis, url: "redis://:pass@10.0.0.5:6379/2" }',
].join('\n');

async function run(file: string, env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await checkCommand(file, { out: (line) => out.push(line), err: (line) => err.push(line) }, env);
  return { code, out, err };
}

describe('checkCommand', () => {
  let directory: string;
  const file = (name: string) => join(directory, name);

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'junction-check-'));
    writeFileSync(file('valid.yaml'), VALID);
    writeFileSync(file('invalid.yaml'), VALID.replace('kind: openai\n', 'kind: openia\n').replace('[llama, mini]', '[llama, maxi]').replace('contextWindow: 8192', 'contextWindow: -1'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('summarises a valid config and exits 0', async () => {
    const { code, out, err } = await run(file('valid.yaml'), { OPENAI_API_KEY: SECRET });
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toBe(`${file('valid.yaml')}: OK (2 providers, 2 deployments, 1 route)`);
    expect(out).toContain('ledger: none');
    expect(out).toContain('state: redis at redis://10.0.0.5:6379/2, prefix junction:');
    expect(out).toContain('  openai: openai at https://api.openai.com/v1, key: set');
    expect(out).toContain('  local: openai-compatible/vllm at http://127.0.0.1:8000/v1, key: not set');
    expect(out).toContain('  chat → llama (local/llama-3.1-8b), mini (openai/gpt-4o-mini)');
  });

  it('never prints a key, a URL credential or a URL query', async () => {
    const { out, err } = await run(file('valid.yaml'), { OPENAI_API_KEY: SECRET });
    const printed = [...out, ...err].join('\n');
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain('pass');
    expect(printed).not.toContain('token=abc');
  });

  it('lists every problem and exits 1', async () => {
    const { code, out, err } = await run(file('invalid.yaml'), { OPENAI_API_KEY: SECRET });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `${file('invalid.yaml')}:4:11: providers.openai.kind: expected one of openai, anthropic, gemini, openai-compatible, got "openia"`,
      `${file('invalid.yaml')}:20:20: deployments.llama.contextWindow: expected a number >= 1, got -1`,
      `${file('invalid.yaml')}: 2 problems found`,
    ]);
    expect(err.join('\n')).not.toContain(SECRET);
  });

  it('reports a missing variable without exposing the others', async () => {
    const { code, err } = await run(file('valid.yaml'), { UNRELATED_SECRET: SECRET });
    expect(code).toBe(1);
    expect(err[0]).toBe(
      `${file('valid.yaml')}:5:13: providers.openai.apiKey: environment variable OPENAI_API_KEY is not set (write \${OPENAI_API_KEY:-default} to give a default)`,
    );
    expect(err.join('\n')).not.toContain(SECRET);
  });

  it.each([
    ['a missing file', 'missing.yaml', 'no such file'],
    ['a directory', '.', 'it is a directory'],
  ])('exits 2 for %s', async (_name, name, reason) => {
    const { code, out, err } = await run(file(name), {});
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([`${file(name)}: cannot read the config file (${reason})`]);
  });

  describe('several files', () => {
    async function runAll(names: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await checkFiles(names.map(file), { out: (line) => out.push(line), err: (line) => err.push(line) }, { OPENAI_API_KEY: SECRET });
      return { code, out, err };
    }

    it('checks every file, not just the first, and exits 1 when a later one is invalid', async () => {
      const { code, out, err } = await runAll(['valid.yaml', 'invalid.yaml']);
      expect(code).toBe(1);
      expect(out[0]).toBe(`${file('valid.yaml')}: OK (2 providers, 2 deployments, 1 route)`);
      expect(err.at(-1)).toBe(`${file('invalid.yaml')}: 2 problems found`);
    });

    it('exits 0 only when every file is valid', async () => {
      const { code, out } = await runAll(['valid.yaml', 'valid.yaml']);
      expect(code).toBe(0);
      expect(out.filter((line) => line.endsWith('OK (2 providers, 2 deployments, 1 route)'))).toHaveLength(2);
    });

    it('exits 2 when one cannot be read, whatever the others', async () => {
      const { code, err } = await runAll(['invalid.yaml', 'missing.yaml', 'valid.yaml']);
      expect(code).toBe(2);
      expect(err).toContain(`${file('missing.yaml')}: cannot read the config file (no such file)`);
      expect(err).toContain(`${file('invalid.yaml')}: 2 problems found`);
    });
  });
});

/**
 * The admin commands against a real admin API over HTTP: a gateway-like server (the admin API
 * on the memory access store) on a loopback port, and the CLI run in-process as `main` runs it,
 * and once as the real `junction` binary in a child process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, hashKey } from '../../src/access/keys';
import { createMemoryAccessStore } from '../../src/access/store/memory-access-store';
import type { AccessStore } from '../../src/access/store/types';
import { main } from '../../src/cli/main';
import { loadConfigFile } from '../../src/config';
import { JunctionError } from '../../src/errors';
import { registerAdminApi } from '../../src/http/admin-api';
import { createAdminOperations, type SpendQuery } from '../../src/operations/admin';

const ADMIN_KEY = 'admin-test-secret';
const run = promisify(execFile);

let app: FastifyInstance;
let store: AccessStore;
let url: string;
const spendQueries: SpendQuery[] = [];

beforeAll(async () => {
  store = createMemoryAccessStore();
  const admin = createAdminOperations({
    store,
    now: Date.now,
    generateKey: () => generateKey(),
    routeNames: () => ['chat', 'embed'],
    spend: async (query) => {
      spendQueries.push(query);
      return [
        { team: 'research', route: 'chat', requests: 120, errors: 3, inputTokens: 50_000, outputTokens: 9_000, costUsd: 1.25 },
        { team: 'research', route: 'embed', requests: 40, errors: 0, inputTokens: 20_000, outputTokens: 0, costUsd: 0.05 },
      ];
    },
    usage: async () => ({
      limits: [{ name: 'rpm', limit: 600, used: 42, reserved: 3, resetMs: 17_500 }],
      budgets: [{ period: 'month', usd: 100, spentUsd: 12.5, reservedUsd: 0.25, windowEnd: Date.UTC(2026, 1, 1) }],
    }),
  });
  app = Fastify();
  registerAdminApi(app, {
    admin,
    authorize: (request) => {
      if (request.headers.authorization !== `Bearer ${ADMIN_KEY}`) throw new JunctionError('invalid_request', 'The admin key is missing or wrong.', { status: 401 });
      return 'admin';
    },
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

/** Runs `junction <args>` in-process with the admin key and URL in its environment. */
async function junction(args: string[], env: Record<string, string | undefined> = { JUNCTION_ADMIN_KEY: ADMIN_KEY, JUNCTION_URL: url }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('junction keys', () => {
  it('creates a key, printing it once, and lists, shows, rotates and revokes it', async () => {
    expect((await junction(['teams', 'create', 'research', '--name', 'Research', '--rpm', '600'])).out).toBe('Created team research (Research).');
    const created = await junction([
      'keys', 'create', '--name', 'notebooks', '--team', 'research', '--tier', 'premium', '--scopes', 'chat,embeddings', '--routes', 'chat',
      '--expires', '30d', '--rpm', '60', '--tpm', '20000', '--budget-usd', '10', '--budget-period', 'month', '--metadata', 'owner=ana', '--metadata', 'cost-centre=c1',
    ]);
    expect(created.code, created.err).toBe(0);
    const key = /\bjk-[0-9A-Za-z]{43}\b/.exec(created.out)![0];
    expect(created.out).toContain('cannot show it again');
    const record = (await store.findKeyByHash(hashKey(key)))!;
    expect(record).toMatchObject({ name: 'notebooks', team: 'research', tier: 'premium', routes: ['chat'], limits: { rpm: 60, tpm: 20_000 }, budgets: [{ usd: 10, period: 'month' }], metadata: { owner: 'ana', 'cost-centre': 'c1' } });
    expect(record.expiresAt! - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const list = await junction(['keys', 'list', '--team', 'research']);
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+PREFIX\s+NAME\s+TEAM\s+TIER\s+STATUS\s+SCOPES\s+EXPIRES$/);
    expect(list.out).toMatch(new RegExp(`${record.id}\\s+${record.prefix}…\\s+notebooks\\s+research\\s+premium\\s+active\\s+chat,embeddings`));
    expect(list.out).not.toContain(key);

    const shown = await junction(['keys', 'show', record.id]);
    expect(shown.out).toMatch(/limits:\s+rpm=60 tpm=20000/);
    expect(shown.out).toMatch(/budgets:\s+\$10\.00\/month/);
    const json = JSON.parse((await junction(['keys', 'show', record.id, '--json'])).out);
    expect(json).toMatchObject({ object: 'key', id: record.id, status: 'active' });
    expect(JSON.stringify(json)).not.toContain(record.hash);

    const rotated = await junction(['keys', 'rotate', record.id, '--grace', '1h']);
    expect(rotated.code, rotated.err).toBe(0);
    const newKey = /\bjk-[0-9A-Za-z]{43}\b/.exec(rotated.out)![0];
    expect(newKey).not.toBe(key);
    const old = (await store.getKey(record.id))!;
    expect(Math.abs(old.expiresAt! - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    expect(rotated.out).toContain(`The old key (${record.prefix}…) works until`);
    expect((await store.findKeyByHash(hashKey(newKey)))).toMatchObject({ name: 'notebooks', limits: { rpm: 60, tpm: 20_000 } });

    const revoked = await junction(['keys', 'revoke', record.id]);
    expect(revoked.out).toMatch(new RegExp(`^Revoked key ${record.id} \\(notebooks, ${record.prefix}…\\)`));
    expect((await junction(['keys', 'list'])).out).not.toContain(record.id);
    expect((await junction(['keys', 'list', '--all'])).out).toMatch(new RegExp(`${record.id}.*revoked`));

    const audit = await junction(['audit', '--since', '1h', '--target', record.id]);
    expect(audit.out.split('\n').slice(1).map((line) => line.split(/\s{2,}/)[2])).toEqual(['key.revoke', 'key.rotate', 'key.create']);
    expect(audit.out).not.toContain(key);
  });

  it('says which field the server refused and exits 1; a misused flag exits 2', async () => {
    const refused = await junction(['keys', 'create', '--name', 'x', '--routes', 'chta']);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe('junction keys create: refused (400 invalid_request): routes[0]: no route is named "chta"; this gateway serves: chat, embed (or * for all)');

    const noName = await junction(['keys', 'create', '--team', 'research']);
    expect(noName.code).toBe(2);
    expect(noName.err).toContain('--name is required');
    const badFlag = await junction(['keys', 'list', '--colour']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toContain("Unknown option '--colour'");
    expect((await junction(['keys', 'rotate', 'key_x', '--grace', 'soon'])).err).toContain('--grace expects a duration');
    expect((await junction(['keys', 'frobnicate'])).code).toBe(2);
    expect((await junction(['keys', 'show', 'ghost'])).err).toBe('junction keys show: refused (404 key_not_found): no key has id ghost');
  });
});

describe('junction keys generate', () => {
  it('makes a key for the config without a gateway or an admin key, printing its hash', async () => {
    const printed = await junction(['keys', 'generate'], {});
    expect(printed.code).toBe(0);
    const key = /^ {2}(jk-\S+)$/m.exec(printed.out)![1];
    expect(printed.out).toContain(`SHA-256: ${hashKey(key)}`);
    const json = await junction(['keys', 'generate', '--json'], {});
    const made = JSON.parse(json.out) as { key: string; prefix: string; hash: string };
    expect(made.hash).toBe(hashKey(made.key));
    expect(made.key.startsWith(made.prefix)).toBe(true);
    expect(made.key).not.toBe(key);
    // What it makes is what the config takes.
    const config = loadConfigFile(
      writeConfig('auth:\n  mode: keys\n  keys:\n    - { id: ci, key: "${CI_KEY}" }\n    - { id: ops, hash: ' + made.hash + ' }\nproviders: { p: { kind: openai, apiKey: x } }\ndeployments: { d: { provider: p, model: m, pricing: { input: 1, output: 1 }, contextWindow: 1000 } }\nroutes: { chat: { deployments: [d] } }\n'),
      { CI_KEY: key },
    );
    expect(config.auth.keys.map((entry) => entry.id)).toEqual(['ci', 'ops']);
  });
});

function writeConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'junction-admin-cli-')), 'junction.yaml');
  writeFileSync(path, text);
  return path;
}

describe('junction teams, spend, usage', () => {
  it('updates a team, changing only what is given', async () => {
    await junction(['teams', 'create', 'platform', '--budget-usd', '50', '--budget-period', 'day', '--tpm', '1000']);
    const updated = await junction(['teams', 'update', 'platform', '--rpm', '100', '--tpm', 'none', '--budget-usd', '500', '--budget-period', 'month', '--metadata', 'lead=bo']);
    expect(updated.code, updated.err).toBe(0);
    const team = (await store.getTeam('platform'))!;
    expect(team.limits).toEqual({ rpm: 100 });
    expect(team.budgets).toEqual([
      { usd: 50, period: 'day' },
      { usd: 500, period: 'month' },
    ]);
    await junction(['teams', 'update', 'platform', '--budget-usd', 'none', '--budget-period', 'day']);
    expect((await store.getTeam('platform'))!.budgets).toEqual([{ usd: 500, period: 'month' }]);
    expect((await junction(['teams', 'update', 'platform'])).code).toBe(2);

    const list = await junction(['teams', 'list']);
    expect(list.out).toMatch(/platform\s+platform\s+rpm=100\s+\$500\.00\/month\s+admin/);
    expect(JSON.parse((await junction(['teams', 'list', '--json'])).out).data.map((entry: { id: string }) => entry.id)).toEqual(expect.arrayContaining(['platform']));
  });

  it('prints spend grouped as asked, with totals, and usage against limits and budgets', async () => {
    const spend = await junction(['spend', '--by', 'team,route', '--since', '2026-01-01', '--until', '2026-01-31', '--team', 'research']);
    expect(spend.code, spend.err).toBe(0);
    expect(spendQueries.at(-1)).toEqual({ groupBy: ['team', 'route'], since: '2026-01-01', until: '2026-01-31', filter: { team: 'research' } });
    expect(spend.out.split('\n')).toEqual([
      'TEAM      ROUTE  REQUESTS  ERRORS  INPUT TOKENS  OUTPUT TOKENS  COST',
      'research  chat   120       3       50000         9000           $1.25',
      'research  embed  40        0       20000         0              $0.05',
      'total            160       3       70000         9000           $1.30',
    ]);
    const refused = await junction(['spend', '--by', 'region']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('groupBy[0]: expected one of key, team, route, deployment, model, day, got "region"');

    const usage = await junction(['usage', '--team', 'research']);
    expect(usage.code, usage.err).toBe(0);
    expect(usage.out).toMatch(/rpm\s+42\s+3\s+600\s+18 s/);
    expect(usage.out).toMatch(/month\s+\$12\.50\s+\$0\.25\s+\$100\.00\s+2026-02-01 00:00 UTC/);
    expect((await junction(['usage'])).code).toBe(2);
    expect((await junction(['usage', '--team', 'ghost'])).err).toContain('404 team_not_found');
  });
});

describe('junction admin commands: reaching the gateway', () => {
  it('exits 1 with a clear line when the gateway is unreachable or refuses the admin key, 2 without a key', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const unreachable = await junction(['keys', 'list', '--url', `http://127.0.0.1:${closedPort}`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toBe(`junction keys list: cannot reach Junction at http://127.0.0.1:${closedPort} (ECONNREFUSED); is it running? Point to it with --url or JUNCTION_URL`);

    const wrongKey = await junction(['audit'], { JUNCTION_ADMIN_KEY: 'not-the-admin-key', JUNCTION_URL: url });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toBe('junction audit: refused (401 invalid_request): The admin key is missing or wrong; check JUNCTION_ADMIN_KEY');

    const noKey = await junction(['keys', 'list'], { JUNCTION_URL: url });
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('set JUNCTION_ADMIN_KEY');
    expect((await junction(['keys', 'list', '--url', 'ftp://x'])).code).toBe(2);
  });

  it('with -c, sends the admin key from the variable the config names (auth.adminKeyEnv)', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'junction-admin-cli-')), 'junction.yaml');
    writeFileSync(config, 'auth:\n  mode: keys\n  adminKeyEnv: PLATFORM_ADMIN_KEY\n');
    const named = await junction(['audit', '-c', config], { PLATFORM_ADMIN_KEY: ADMIN_KEY, JUNCTION_URL: url });
    expect(named.err).toBe('');
    expect(named.code).toBe(0);
    // JUNCTION_ADMIN_KEY is not what that config's gateway reads, so it is not sent.
    const unnamed = await junction(['keys', 'list', '--config', config], { JUNCTION_ADMIN_KEY: ADMIN_KEY, JUNCTION_URL: url });
    expect(unnamed.code).toBe(2);
    expect(unnamed.err).toContain('set PLATFORM_ADMIN_KEY');
    const wrong = await junction(['audit', '-c', config], { PLATFORM_ADMIN_KEY: 'not-the-admin-key', JUNCTION_URL: url });
    expect(wrong.err).toContain('check PLATFORM_ADMIN_KEY');
  });

  it('runs as the junction binary, whose exit code says the gateway refused', async () => {
    const failed = await run(process.execPath, ['bin/junction.js', 'keys', 'show', 'ghost', '--url', url], { env: { ...process.env, JUNCTION_ADMIN_KEY: ADMIN_KEY }, encoding: 'utf8' }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('404 key_not_found') });
  });
});

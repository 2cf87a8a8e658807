/**
 * Several real `junction serve` processes sharing one Redis (live state and limits, reached
 * through a relay the test can cut and restore) and one PostgreSQL schema (keys, audit and the
 * ledger), as replicas behind a load balancer are, for end-to-end tests of what they must agree
 * on. Each set has a Redis prefix and a schema of its own, and removes both when closed; the
 * real servers are shared with other test runs and never stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { ModelBehaviour } from '../../src/simulator';
import { spawnJunction, type RunningJunction } from './cli';
import { startRelayProcess, type RelayProcess } from './relay-process';

export const REDIS_URL = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Where the replicas keep what they share; the config is built from it. */
export interface SharedPlaces {
  /** Redis as the replicas reach it: through the relay. */
  redisUrl: string;
  /** Every Redis key the replicas write starts with this. */
  redisPrefix: string;
  postgresUrl: string;
  /** The PostgreSQL schema of the keys, the audit log and the ledger. */
  schema: string;
  /** The simulated upstreams (`junction simulate`, a process of its own), without a trailing slash. */
  simulatorUrl: string;
}

export interface ReplicaSetOptions {
  /** The YAML every replica runs. Its ledger's `spoolPath` should be `${JUNCTION_TEST_SPOOL}`: each process needs a spool of its own. */
  config: (places: SharedPlaces) => string;
  /** How many processes (default 3). */
  count?: number;
  /** Added to each process's environment (the admin key, say). */
  env?: NodeJS.ProcessEnv;
  /** The simulated upstream models' behaviours, by model name. */
  models?: Record<string, ModelBehaviour>;
}

export interface Replica {
  /** `A`, `B`, `C`, … */
  name: string;
  url: string;
  process: RunningJunction;
  /** Whether the process is still running. */
  alive(): boolean;
}

/** A row of the shared ledger, as the tests read it. */
export interface LedgerRow {
  requestId: string;
  principal: string | null;
  route: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** When the request started, on its replica's clock (Unix ms). */
  ts: number;
}

export interface ReplicaSet extends SharedPlaces {
  replicas: Replica[];
  /** Between the replicas and Redis; cut it to stop Redis for them alone. */
  relay: RelayProcess;
  /** A pool on the shared database, for reading the ledger. */
  postgres: pg.Pool;
  /** The ledger rows of these request ids (several for one id, if it were recorded twice). */
  ledgerRows(requestIds: readonly string[]): Promise<LedgerRow[]>;
  /** Stops every process still running, then removes the schema, the Redis keys and the spool files. */
  close(): Promise<void>;
}

const LISTENING = /Junction listening on (http:\/\/\S+)/;

export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const count = options.count ?? 3;
  const suffix = randomBytes(6).toString('hex');
  const schema = `jt_${suffix}`;
  const redisPrefix = `junction-test:replicas-${suffix}:`;
  const directory = mkdtempSync(join(tmpdir(), 'junction-replicas-'));
  const relay = await startRelayProcess({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
  const relayPort = relay.port;
  const postgres = new pg.Pool({ connectionString: POSTGRES_URL, max: 4 });
  const started: RunningJunction[] = [];
  const close = async () => {
    await Promise.all(started.map(stop));
    await relay.close();
    await postgres.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await postgres.end();
    await deleteRedisKeys(redisPrefix);
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    // The upstreams in a process of their own too, so that the test's bursts do not slow them.
    const simulatorConfig = join(directory, 'simulator.yaml');
    writeFileSync(simulatorConfig, simulatorYaml(options.models ?? {}));
    const simulator = await spawnJunction(['simulate', '-c', simulatorConfig, '--port', '0'], /Simulated upstreams on (http:\/\/\S+)/);
    started.push(simulator);
    const places: SharedPlaces = { redisUrl: `redis://127.0.0.1:${relayPort}`, redisPrefix, postgresUrl: POSTGRES_URL, schema, simulatorUrl: simulator.match[1]! };
    const configPath = join(directory, 'junction.yaml');
    writeFileSync(configPath, options.config(places));

    // All at once, as replicas rolled out together start: their first migrations race.
    const names = Array.from({ length: count }, (_, index) => String.fromCharCode(65 + index));
    const replicas = await Promise.all(
      names.map(async (name): Promise<Replica> => {
        const running = await spawnJunction(['serve', '-c', configPath, '--port', '0'], LISTENING, {
          env: { ...options.env, JUNCTION_TEST_SPOOL: join(directory, `replica-${name}.spool`) },
        });
        started.push(running);
        let exited = false;
        void running.exited.then(() => (exited = true));
        return { name, url: running.match[1], process: running, alive: () => !exited && running.child.exitCode === null && running.child.signalCode === null };
      }),
    );
    return {
      ...places,
      replicas,
      relay,
      postgres,
      ledgerRows: (requestIds) => ledgerRows(postgres, schema, requestIds),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** A config for `junction simulate`: the simulator section, and the least of the rest a config must have. */
function simulatorYaml(models: Record<string, ModelBehaviour>): string {
  return `simulator: { port: 0, models: ${JSON.stringify(models)} }
providers: { unused: { kind: openai, baseUrl: "http://127.0.0.1:9/v1", apiKey: unused } }
deployments: { unused: { provider: unused, model: unused, pricing: { input: 0, output: 0 }, contextWindow: 1000 } }
routes: { unused: { deployments: [unused] } }
`;
}

/** SIGTERM, and SIGKILL if it has not exited 10 s later. */
async function stop(running: RunningJunction): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  const backstop = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  try {
    await running.exited;
  } finally {
    clearTimeout(backstop);
  }
}

async function ledgerRows(postgres: pg.Pool, schema: string, requestIds: readonly string[]): Promise<LedgerRow[]> {
  const { rows } = await postgres.query<{
    request_id: string; principal: string | null; route: string; stream: boolean; status: number; error_code: string | null;
    input_tokens: string; output_tokens: string; cost_usd: number; ts: string;
  }>(
    `SELECT request_id, principal, route, stream, status, error_code, input_tokens, output_tokens, cost_usd, ts
       FROM "${schema}".ledger_requests WHERE request_id = ANY($1::text[])`,
    [requestIds],
  );
  return rows.map((row) => ({
    requestId: row.request_id,
    principal: row.principal,
    route: row.route,
    stream: row.stream,
    status: row.status,
    errorCode: row.error_code,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: row.cost_usd,
    ts: Number(row.ts),
  }));
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

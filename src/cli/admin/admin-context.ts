/** What an admin command runs with, and the JSON shapes it reads (the admin API's own encoders' types). */
import type { encodeAuditEntry, encodeCreatedKey, encodeKey, encodeRotatedKey, encodeTeam, encodeUsage } from '../../http/admin/admin-wire';
import type { SpendRow } from '../../operations/admin';
import type { CliIo } from '../main';
import { createAdminClient, type AdminClient } from './admin-client';
import { adminKeyEnvOf } from './admin-config';
import { stringFlag, type Values } from './admin-args';

export interface AdminCliContext {
  io: CliIo;
  /** JUNCTION_URL and the admin key (JUNCTION_ADMIN_KEY, or the variable the config's auth.adminKeyEnv names) are read from here. */
  env: Record<string, string | undefined>;
  /** For relative times (`--expires 30d`, `--since 7d`). */
  now: () => number;
  fetch?: typeof fetch;
}

export type WireKey = ReturnType<typeof encodeKey>;
export type WireCreatedKey = ReturnType<typeof encodeCreatedKey>;
export type WireRotatedKey = ReturnType<typeof encodeRotatedKey>;
export type WireTeam = ReturnType<typeof encodeTeam>;
export type WireAuditEntry = ReturnType<typeof encodeAuditEntry>;
export type WireUsage = ReturnType<typeof encodeUsage>;
export type WireList<Item> = { object: 'list'; data: Item[] };
export type { SpendRow };

export function clientFor(context: AdminCliContext, values: Values): AdminClient {
  const config = stringFlag(values, 'config');
  return createAdminClient({ url: stringFlag(values, 'url'), env: context.env, ...(config === undefined ? {} : { adminKeyEnv: adminKeyEnvOf(config) }), fetch: context.fetch });
}

/** Prints the API's answer as it came, for scripts (`--json`). */
export function printJson(context: AdminCliContext, answer: unknown): void {
  context.io.out(JSON.stringify(answer, null, 2));
}

/**
 * The admin commands' way to a running Junction: its admin API over HTTP, with the admin key
 * from the environment as a bearer token. Every failure becomes one line that says what to do:
 * the server cannot be reached, it refused the admin key, or it refused the request (with its
 * error code and message, which name the field at fault).
 */
import { DEFAULT_ADMIN_KEY_ENV } from '../../config/defaults';

/** A command's failure: the line to print and the exit code (1: the server failed or refused; 2: the command was used wrongly). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

export const DEFAULT_URL = 'http://127.0.0.1:4000';
/** The admin key's variable unless `--config` names another (`auth.adminKeyEnv`). */
export const ADMIN_KEY_ENV = DEFAULT_ADMIN_KEY_ENV;
export const URL_ENV = 'JUNCTION_URL';

/** An answer slower than this means something is wrong; the command says so rather than hang. */
const TIMEOUT_MS = 15_000;

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface AdminClient {
  /** The gateway's base URL, for messages. */
  url: string;
  /** The parsed JSON answer of a 2xx response; a CliFailure otherwise. */
  call<Answer = unknown>(method: Method, path: string, body?: unknown): Promise<Answer>;
}

export interface ClientSettings {
  /** `--url`; else JUNCTION_URL; else http://127.0.0.1:4000. */
  url?: string;
  env: Record<string, string | undefined>;
  /** The variable holding the admin key: the config's `auth.adminKeyEnv`, else JUNCTION_ADMIN_KEY. */
  adminKeyEnv?: string;
  fetch?: typeof fetch;
}

export function createAdminClient(settings: ClientSettings): AdminClient {
  const base = (settings.url ?? settings.env[URL_ENV] ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) {
    throw new CliFailure(`--url must be an http:// or https:// URL such as ${DEFAULT_URL}, got '${base}'`, 2);
  }
  const keyEnv = settings.adminKeyEnv ?? ADMIN_KEY_ENV;
  const adminKey = settings.env[keyEnv];
  if (adminKey === undefined || adminKey === '') {
    const hint = settings.adminKeyEnv === undefined ? ` (the value of the variable its auth.adminKeyEnv names; with --config, the CLI reads that name from the config)` : ` (the variable ${keyEnv} is the one auth.adminKeyEnv names)`;
    throw new CliFailure(`set ${keyEnv} to the gateway's admin key${hint}`, 2);
  }
  const send = settings.fetch ?? fetch;

  return {
    url: base,
    async call<Answer>(method: Method, path: string, body?: unknown): Promise<Answer> {
      const headers: Record<string, string> = { authorization: `Bearer ${adminKey}`, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await send(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        throw new CliFailure(`cannot reach Junction at ${base} (${networkReason(error)}); is it running? Point to it with --url or ${URL_ENV}`, 1);
      }
      const text = await response.text().catch(() => '');
      const answer = parseJson(text);
      if (response.ok) {
        if (answer === undefined) throw new CliFailure(`${base} answered ${response.status} without JSON; is it a Junction gateway?`, 1);
        return answer as Answer;
      }
      throw new CliFailure(refusal(response.status, answer, base, keyEnv), 1);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The line for an error answer: status, Junction's code and message, and a hint for the admin key. */
function refusal(status: number, answer: unknown, base: string, keyEnv: string): string {
  const error = (answer as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : `${base} answered ${status}`;
  const code = typeof error?.code === 'string' ? ` ${error.code}` : '';
  const hint = status === 401 ? `; check ${keyEnv}` : status === 403 ? `; the key in ${keyEnv} may not administer this gateway` : '';
  return `refused (${status}${code}): ${hint === '' ? message : `${message.replace(/\.$/, '')}${hint}`}`;
}

/** Why fetch failed, from undici's cause (`ECONNREFUSED`, `ENOTFOUND`, a timeout). */
function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Defaults the config applies that runtime modules also need (config imports no runtime module). */

/** Prefix of the keys and channel of a Redis-shared store, when the config names none. */
export const DEFAULT_REDIS_PREFIX = 'junction:';

/**
 * How long a Redis-shared store waits at most for a half-open probe slot, when the config names
 * no time (ms). A LAN Redis answers in well under a millisecond; this leaves room for a busy
 * event loop, and costs a request little when Redis has stopped answering.
 */
export const DEFAULT_CLAIM_TIMEOUT_MS = 50;

/**
 * The environment variable holding the admin key, when the config's `auth.adminKeyEnv` names
 * none: the gateway reads it for /admin, and the admin commands send it.
 */
export const DEFAULT_ADMIN_KEY_ENV = 'JUNCTION_ADMIN_KEY';

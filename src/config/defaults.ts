/** Defaults the config applies that runtime modules also need (config imports no runtime module). */

/** Prefix of the keys and channel of a Redis-shared store, when the config names none. */
export const DEFAULT_REDIS_PREFIX = 'junction:';

/** Waits until `condition` holds, checking every 10 ms; fails naming `what` after `timeoutMs`. For state that settles asynchronously, never as a timing assertion. */
export async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  for (let waited = 0; waited <= timeoutMs; waited += 10) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
}

/** Resolves as `promise` does, or fails naming `what` if it has not settled after `backstopMs`: a guard against hanging, never a timing assertion. */
export async function settlesWithin<T>(promise: Promise<T>, backstopMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${backstopMs} ms: ${what}`)), backstopMs);
  });
  try {
    return await Promise.race([promise, backstop]);
  } finally {
    clearTimeout(timer);
  }
}

/** Like `until`, for a condition that needs a round trip to check. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 3_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until `condition` holds, checking every 10 ms; fails naming `what` after `timeoutMs`. For state that settles asynchronously, never as a timing assertion. */
export async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  for (let waited = 0; waited <= timeoutMs; waited += 10) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
}

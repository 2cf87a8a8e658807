import { JunctionError } from '../../errors';
import type { Provider } from '../../routing/catalog';
import type { ProviderAdapter } from '../../providers/types';
import type { BufferedResponse, UpstreamResponse } from './upstream-client';

/** Throw the adapter's classified error for a non-2xx streamed answer (reading its body for the message). */
export async function throwIfFailed(upstream: UpstreamResponse, adapter: ProviderAdapter): Promise<void> {
  if (upstream.status >= 200 && upstream.status < 300) return;
  const text = await upstream.body.text();
  throw adapter.parseError(upstream.status, text, upstream.headers);
}

/**
 * The JSON body of a 2xx answer, parsed, and its text. A failed answer is classified by the
 * adapter; malformed JSON is the upstream's fault and worth routing around.
 */
export function parseJsonAnswer(upstream: BufferedResponse, adapter: ProviderAdapter, provider: Provider): { json: unknown; text: string } {
  const text = upstream.body.toString('utf8');
  if (upstream.status < 200 || upstream.status >= 300) throw adapter.parseError(upstream.status, text, upstream.headers());
  try {
    return { json: JSON.parse(text), text };
  } catch (error) {
    throw new JunctionError('upstream_bad_response', `provider ${provider.id} answered ${upstream.status} with malformed JSON: ${text.slice(0, 120)}`, {
      cause: error,
      upstreamStatus: upstream.status,
    });
  }
}

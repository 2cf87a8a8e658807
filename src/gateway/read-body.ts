import { JunctionError } from '../core/errors';
import type { Provider } from '../core/model';
import type { ProviderAdapter } from '../providers/types';
import type { UpstreamResponse } from './upstream-client';

/** Throw the adapter's classified error for a non-2xx answer (reading its body for the message). */
export async function throwIfFailed(upstream: UpstreamResponse, adapter: ProviderAdapter): Promise<void> {
  if (upstream.status >= 200 && upstream.status < 300) return;
  const text = await upstream.body.text();
  throw adapter.parseError(upstream.status, text, upstream.headers);
}

/** The JSON body of a 2xx answer; malformed JSON is the upstream's fault and worth routing around. */
export async function readJson(upstream: UpstreamResponse, adapter: ProviderAdapter, provider: Provider): Promise<unknown> {
  await throwIfFailed(upstream, adapter);
  const text = await upstream.body.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JunctionError('upstream_bad_response', `provider ${provider.id} answered ${upstream.status} with malformed JSON: ${text.slice(0, 120)}`, {
      cause: error,
      upstreamStatus: upstream.status,
    });
  }
}

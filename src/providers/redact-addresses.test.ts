import { describe, expect, it } from 'vitest';
import { redactAddresses } from './redact-addresses';

describe('redactAddresses', () => {
  it.each([
    ['a local runner URL', 'Post "http://127.0.0.1:39017/completion": EOF', 'Post "[address]": EOF'],
    ['a bare IPv4 address and port', 'connect() failed (111) to 10.0.3.7:8000 while reading', 'connect() failed (111) to [address] while reading'],
    ['an IPv4 address alone', 'upstream 192.168.1.20 refused', 'upstream [address] refused'],
    ['an IPv6 address', 'dial tcp [::1]:11434: connect: connection refused', 'dial tcp [address]: connect: connection refused'],
    ['localhost with a port', 'dial tcp localhost:11434: refused', 'dial tcp [address]: refused'],
    ['an internal host with a port', 'dial tcp vllm.internal:8000: i/o timeout', 'dial tcp [address]: i/o timeout'],
    ['a URL naming a port', 'see https://gateway.corp:8443/v1/models', 'see [address]'],
    ['a URL with credentials', 'fetch http://user:secret@10.0.0.1/x failed', 'fetch [address] failed'],
  ])('%s', (_name, text, redacted) => {
    expect(redactAddresses(text)).toBe(redacted);
  });

  it.each([
    ['a documentation link', 'You can find your API key at https://platform.openai.com/account/api-keys.'],
    ['token counts', 'prompt is too long: 210000 tokens > 200000 maximum'],
    ['a context length message', "This model's maximum context length is 128000 tokens. However, you requested 130000 tokens."],
    ['a model name with a version', 'model llama3.1:8b not found, try pulling it first'],
    ['a decimal', 'temperature must be at most 2.0, got 2.5'],
  ])('leaves %s alone', (_name, text) => {
    expect(redactAddresses(text)).toBe(text);
  });
});

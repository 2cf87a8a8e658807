import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { bannerLines } from './serve-banner';

const BASE = `
providers: { sim: { kind: openai, baseUrl: "http://127.0.0.1:4010/v1", apiKey: x } }
deployments:
  small: { provider: sim, model: m, pricing: { input: 1, output: 1 }, contextWindow: 1000 }
routes: { chat: { deployments: [small] } }
`;

const banner = (auth: string, workers?: number) =>
  bannerLines({ config: parseConfig(auth + BASE, { file: 'junction.yaml', env: {} }), file: 'junction.yaml', url: 'http://127.0.0.1:4000', ...(workers ? { workers } : {}) }).join('\n');

describe('the serve banner', () => {
  it('with open access, offers a curl line without a key', () => {
    const printed = banner('');
    expect(printed).toContain(`curl http://127.0.0.1:4000/v1/chat/completions -H 'content-type: application/json' -d '{"model":"chat"`);
    expect(printed).not.toContain('Authorization');
  });

  it('with keys, offers a curl line that sends one, and says how to make one with the admin key the config names', () => {
    const printed = banner('auth: { mode: keys, adminKeyEnv: PLATFORM_ADMIN_KEY }\n');
    expect(printed).toContain(`curl http://127.0.0.1:4000/v1/chat/completions -H "Authorization: Bearer $KEY" -H 'content-type: application/json'`);
    expect(printed).toContain("junction keys create --name me");
    expect(printed).toContain('PLATFORM_ADMIN_KEY');
  });

  it('warns that workers on memory state each count limits on their own, and not when Redis counts them once', () => {
    expect(banner('auth: { mode: keys }\n', 4)).toContain('each worker counts rate limits and budgets on its own (up to 4× each limit)');
    expect(banner('auth: { mode: keys }\n')).not.toContain('Warning');
    expect(banner('', 4)).not.toContain('Warning');
    expect(banner('auth: { mode: keys }\nstate: { kind: redis, url: "redis://127.0.0.1:6379" }\n', 4)).not.toContain('Warning');
  });
});

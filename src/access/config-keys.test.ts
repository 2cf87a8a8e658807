import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_KEY_SCOPES, keyRecordFromConfig } from './config-keys';
import { generateKey, hashKey } from './keys';

describe('keyRecordFromConfig', () => {
  it('hashes a key given as itself and keeps only its hash and prefix', () => {
    const { key, prefix, hash } = generateKey();
    const record = keyRecordFromConfig({ id: 'ci', key, team: 'team_a', expiresAt: 99 }, 1_234);
    expect(record).toStrictEqual({
      id: 'ci', prefix, hash, name: 'ci', team: 'team_a', tier: 'standard', routes: ['*'], scopes: [...DEFAULT_CONFIG_KEY_SCOPES],
      expiresAt: 99, metadata: {}, limits: {}, budgets: [], createdAt: 1_234, source: 'config', version: 0,
    });
    expect(JSON.stringify(record)).not.toContain(key.slice(7));
  });

  it('takes a hash in either case, stored in lowercase, with the prefix given or jk-', () => {
    const hash = hashKey('whatever');
    expect(keyRecordFromConfig({ id: 'a', hash: hash.toUpperCase() })).toMatchObject({ hash, prefix: 'jk-' });
    expect(keyRecordFromConfig({ id: 'b', hash, prefix: 'jk-AbCd' }).prefix).toBe('jk-AbCd');
  });

  it('keeps every field it is given, as copies, and leaves absent optional fields absent', () => {
    const entry = {
      id: 'full', hash: hashKey('x'), name: 'Full', tier: 'premium' as const, routes: ['chat'], scopes: ['admin' as const],
      metadata: { a: 'b' }, limits: { rpm: 1 }, budgets: [{ usd: 2, period: 'day' as const }],
    };
    const record = keyRecordFromConfig(entry);
    expect(record).toMatchObject({ name: 'Full', tier: 'premium', routes: ['chat'], scopes: ['admin'], metadata: { a: 'b' }, limits: { rpm: 1 }, budgets: [{ usd: 2, period: 'day' }] });
    expect(record).not.toHaveProperty('team');
    expect(record).not.toHaveProperty('expiresAt');
    entry.budgets[0].usd = 9;
    entry.routes.push('more');
    expect(record.budgets[0].usd).toBe(2);
    expect(record.routes).toEqual(['chat']);
  });

  it.each([
    [{ id: 'none' }, /exactly one of key and hash/],
    [{ id: 'both', key: generateKey().key, hash: hashKey('x') }, /exactly one of key and hash/],
    [{ id: 'short', key: 'jk-tooShort' }, /config key short: key is not a Junction key/],
    [{ id: 'hex', hash: 'abc' }, /config key hex: hash is not a SHA-256 digest/],
  ])('refuses %j', (entry, message) => {
    expect(() => keyRecordFromConfig(entry)).toThrow(message);
  });

  it('never quotes a malformed key in its error', () => {
    const secret = 'sk-live-ThisIsSomeonesRealSecret';
    expect(() => keyRecordFromConfig({ id: 'k', key: secret })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('ThisIsSomeones') }));
  });
});

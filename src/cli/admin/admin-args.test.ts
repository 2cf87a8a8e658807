import { describe, expect, it } from 'vitest';
import { budgetFrom, limitsFrom, metadataFrom, parseCommandArgs, parseDuration, parseExpiry, parseSince, LIMIT_OPTIONS, BUDGET_OPTIONS, METADATA_OPTIONS } from './admin-args';
import { CliFailure } from './admin-client';
import { formatTable } from './admin-output';

const NOW = Date.UTC(2026, 0, 15, 12);

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliFailure);
    expect((error as CliFailure).exitCode).toBe(2);
    return (error as CliFailure).message;
  }
  throw new Error('expected a usage error');
}

describe('admin command flags', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['24h', 86_400],
    ['30d', 2_592_000],
    ['2w', 1_209_600],
    ['1.5h', 5400],
    ['600', 600],
    ['0', 0],
  ])('duration %s is %i seconds', (text, seconds) => {
    expect(parseDuration(text, 'grace')).toBe(seconds);
  });

  it.each(['', 'soon', '-1h', '1y', '1 h'])('refuses the duration %j naming the flag', (text) => {
    expect(usageError(() => parseDuration(text, 'grace'))).toMatch(/^--grace expects a duration/);
  });

  it('reads expiry as a duration from now or a date, and --since as a duration ago or a date', () => {
    expect(parseExpiry('30d', NOW)).toBe('2026-02-14T12:00:00.000Z');
    expect(parseExpiry('2027-01-31', NOW)).toBe('2027-01-31T00:00:00.000Z');
    expect(parseExpiry('2027-01-31T08:30:00+01:00', NOW)).toBe('2027-01-31T07:30:00.000Z');
    expect(usageError(() => parseExpiry('2027-13-45', NOW))).toContain('--expires');
    expect(parseSince('7d', NOW)).toBe('2026-01-08T12:00:00.000Z');
    expect(parseSince('2026-01-01', NOW)).toBe('2026-01-01');
  });

  it('reads limits, a budget and metadata into API fields, with none to remove where allowed', () => {
    const { values } = parseCommandArgs(
      ['--rpm', '60', '--token-burst', '0', '--tpm', 'none', '--budget-usd', '2.5', '--metadata', 'owner=ana', '--metadata', 'note=a=b', '--metadata', 'empty='],
      { ...LIMIT_OPTIONS, ...BUDGET_OPTIONS, ...METADATA_OPTIONS },
    );
    expect(limitsFrom(values, true)).toEqual({ rpm: 60, tokenBurst: 0, tpm: null });
    expect(usageError(() => limitsFrom(values, false))).toBe("--tpm expects a whole number (or none to remove it), got 'none'");
    expect(budgetFrom(values, false)).toEqual({ usd: 2.5, period: 'month' });
    expect(metadataFrom(values)).toEqual({ owner: 'ana', note: 'a=b', empty: '' });
    expect(limitsFrom({}, true)).toBeUndefined();
    expect(usageError(() => budgetFrom({ 'budget-period': 'day' }, false))).toBe('--budget-period goes with --budget-usd');
    expect(usageError(() => budgetFrom({ 'budget-usd': 'ten' }, false))).toContain("got 'ten'");
    expect(usageError(() => metadataFrom({ metadata: ['=x'] }))).toBe("--metadata expects key=value, got '=x'");
    expect(usageError(() => parseCommandArgs(['--rpm'], LIMIT_OPTIONS))).toContain('--rpm');
  });

  it('aligns table columns to their widest cell', () => {
    expect(formatTable(['ID', 'NAME', 'STATUS'], [['key_1', 'a', 'active'], ['k', 'longer name', 'revoked']])).toEqual([
      'ID     NAME         STATUS',
      'key_1  a            active',
      'k      longer name  revoked',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseBatchInput, resultFiles } from './jsonl';

const line = (customId: string, body: object = { model: 'm', messages: [] }, extra: object = {}) => JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body, ...extra });

describe('batch input files', () => {
  it('reads one request per line, skipping blank lines and CRLF endings', () => {
    const parsed = parseBatchInput([line('a'), '', line('b') + '\r', ''].join('\n'), '/v1/chat/completions', 10);
    expect(parsed.errors).toEqual([]);
    expect(parsed.invalid).toEqual([]);
    expect(parsed.lines.map((request) => [request.index, request.customId, request.body.model])).toEqual([[0, 'a', 'm'], [1, 'b', 'm']]);
  });

  it.each([
    ['not json', 'invalid_json_line'],
    ['[1]', 'invalid_request'],
    [JSON.stringify({ method: 'POST', url: '/v1/chat/completions', body: { model: 'm' } }), 'invalid_custom_id'],
    [line('x', { model: 'm' }, { method: 'GET' }), 'invalid_method'],
    [line('x', { model: 'm' }, { url: '/v1/embeddings' }), 'mismatched_endpoint'],
    [line('x', { messages: [] }), 'missing_model'],
    [line('x', { model: 'm', stream: true }), 'invalid_request'],
  ])('sends a bad line to the error file: %s', (row, code) => {
    const parsed = parseBatchInput([line('ok'), row].join('\n'), '/v1/chat/completions', 10);
    expect(parsed.errors).toEqual([]);
    expect(parsed.lines).toHaveLength(1);
    expect(parsed.invalid).toMatchObject([{ index: 1, code }]);
    expect(parsed.invalid[0]!.message).toMatch(/^Line 2/);
  });

  it('fails the batch for an empty file, too many lines, or a repeated custom_id', () => {
    expect(parseBatchInput('\n\n', '/v1/chat/completions', 10).errors).toMatchObject([{ code: 'empty_file' }]);
    expect(parseBatchInput([line('a'), line('b')].join('\n'), '/v1/chat/completions', 1).errors).toMatchObject([{ code: 'too_many_requests' }]);
    expect(parseBatchInput([line('a'), line('a')].join('\n'), '/v1/chat/completions', 10).errors).toMatchObject([{ code: 'duplicate_custom_id', line: 2 }]);
  });

  it('writes successes to the output file and everything else to the error file', () => {
    const files = resultFiles('batch_abc', [
      { index: 0, customId: 'a', requestId: 'r0', status: 200, body: { ok: true }, finishedAt: 1 },
      { index: 1, customId: 'b', requestId: 'r1', status: 429, body: { error: { code: 'rate_limited' } }, finishedAt: 1 },
      { index: 2, customId: 'c', requestId: 'r2', status: 0, body: null, error: { code: 'batch_expired', message: 'expired' }, finishedAt: 1 },
    ]);
    expect(files.output!.trim().split('\n').map((row) => JSON.parse(row))).toEqual([{ id: 'batch_req_abc_0', custom_id: 'a', response: { status_code: 200, request_id: 'r0', body: { ok: true } }, error: null }]);
    expect(files.errors!.trim().split('\n').map((row) => JSON.parse(row).custom_id)).toEqual(['b', 'c']);
    expect(JSON.parse(files.errors!.split('\n')[1]!)).toMatchObject({ response: null, error: { code: 'batch_expired' } });
    expect(resultFiles('batch_x', [])).toEqual({});
  });
});

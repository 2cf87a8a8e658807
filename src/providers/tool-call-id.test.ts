import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bareToolCallId, splitToolCallId, withThoughtSignature } from './tool-call-id';

const idWithoutMarker = fc.string({ minLength: 1 }).filter((id) => !id.includes('__thought__'));

describe('tool call ids carrying a thought signature', () => {
  it('give back the bare id and the exact signature, whatever either holds', () => {
    fc.assert(
      fc.property(idWithoutMarker, fc.string({ minLength: 1 }), (id, signature) => {
        expect(splitToolCallId(withThoughtSignature(id, signature))).toEqual({ id, thoughtSignature: signature });
      }),
    );
  });

  it('stay within the characters Anthropic allows in tool_use ids when the bare id does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/), fc.string({ minLength: 1 }), (id, signature) => {
        fc.pre(!id.includes('__thought__'));
        expect(withThoughtSignature(id, signature)).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });

  it('are the bare id when there is no signature', () => {
    expect(withThoughtSignature('call_0', undefined)).toBe('call_0');
    expect(withThoughtSignature('call_0', '')).toBe('call_0');
    expect(splitToolCallId('toolu_01A')).toEqual({ id: 'toolu_01A' });
  });

  it("leave a caller's id alone when what follows the marker is not base64url", () => {
    expect(splitToolCallId('my__thought__id with spaces')).toEqual({ id: 'my__thought__id with spaces' });
  });

  it('strip to the bare id for other providers', () => {
    expect(bareToolCallId(withThoughtSignature('call_1', 'c2lnbmF0dXJl+/=='))).toBe('call_1');
    expect(bareToolCallId('call_1')).toBe('call_1');
  });
});

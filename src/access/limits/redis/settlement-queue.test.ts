import { describe, expect, it } from 'vitest';
import type { Crossing, LimitRule, Reservation } from '../types';
import { createSettlementQueue, type QueuedSettlement, type SettlementQueueOptions } from './settlement-queue';

const rule: LimitRule = { kind: 'quota', key: 'q', limit: 10, windowEnd: Infinity, alertAt: [0.5] };
const settlement = (id: string): QueuedSettlement => {
  const reservation: Reservation = { id, draws: [{ rule, amount: 1 }], expiresAt: 0, headroom: [] };
  return { reservation, actual: [1], now: 0, done: false, inFlight: false };
};

function queueWith(answers: Record<string, Crossing[] | 'unanswered' | Error>, overrides: Partial<SettlementQueueOptions> = {}) {
  const sent: string[] = [];
  const reports: string[] = [];
  const late: Crossing[] = [];
  const queue = createSettlementQueue({
    send: async (item) => {
      sent.push(item.reservation.id);
      const answer = answers[item.reservation.id] ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    connected: () => true,
    max: 3,
    report: (kind, error) => reports.push(`${kind}: ${error.message}`),
    onLateCrossings: (crossings) => late.push(...crossings),
    ...overrides,
  });
  return { queue, sent, reports, late };
}

describe('settlement queue', () => {
  it('sends in order and tells the crossings found', async () => {
    const crossing: Crossing = { rule, threshold: 0.5, used: 5 };
    const { queue, sent, late } = queueWith({ b: [crossing] });
    for (const id of ['a', 'b', 'c']) queue.add(settlement(id));
    await queue.flush();
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(late).toEqual([crossing]);
    expect(queue.length).toBe(0);
  });

  it('stops at the first that fails or is not answered, and starts from it next time', async () => {
    const answers: Record<string, Crossing[] | 'unanswered' | Error> = { b: new Error('down') };
    const { queue, sent, reports } = queueWith(answers);
    for (const id of ['a', 'b', 'c']) queue.add(settlement(id));
    await queue.flush();
    expect(sent).toEqual(['a', 'b']);
    expect(reports).toEqual(['settle: down']);
    answers.b = 'unanswered';
    await queue.flush();
    expect(sent).toEqual(['a', 'b', 'b']);
    answers.b = [];
    await queue.flush();
    expect(sent).toEqual(['a', 'b', 'b', 'b', 'c']);
  });

  it('does not send one applied meanwhile, nor one still awaiting its answer, nor anything while disconnected', async () => {
    let connected = false;
    const { queue, sent } = queueWith({}, { connected: () => connected });
    const [a, b] = [settlement('a'), settlement('b')];
    queue.add(a);
    queue.add(b);
    await queue.flush();
    expect(sent).toEqual([]);
    connected = true;
    queue.applied(a, []);
    b.inFlight = true;
    await queue.flush();
    expect(sent).toEqual([]);
    expect(queue.length).toBe(1);
    b.inFlight = false;
    await queue.flush();
    expect(sent).toEqual(['b']);
  });

  it('tells a late settlement’s crossings once, however many copies answer', () => {
    const crossing: Crossing = { rule, threshold: 0.5, used: 5 };
    const { queue, late } = queueWith({});
    const a = settlement('a');
    queue.applied(a, [crossing]);
    queue.applied(a, [crossing]);
    expect(late).toEqual([crossing]);
  });

  it('drops what comes past its bound, and says so', () => {
    const { queue, reports } = queueWith({}, { connected: () => false });
    for (const id of ['a', 'b', 'c', 'd']) queue.add(settlement(id));
    expect(queue.length).toBe(3);
    expect(reports).toEqual([expect.stringMatching(/^queue: 3 settlements are waiting .* reservation d is dropped/)]);
  });
});

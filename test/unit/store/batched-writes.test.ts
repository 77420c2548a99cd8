import { describe, expect, it } from 'vitest';
import { batchedWrites } from '../../../edge/store/batched-writes.ts';

describe('batchedWrites', () => {
  it('writes what callers ask for in one moment once, and gives each caller its own values', async () => {
    const calls: number[][] = [];
    const write = batchedWrites(async (items: number[]) => {
      calls.push(items);
      return items.map((n) => n * 10);
    });
    const [a, b, none] = await Promise.all([write([1, 2]), write([3]), write([])]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(a).toEqual([10, 20]);
    expect(b).toEqual([30]);
    expect(none).toEqual([]);
    // A write asked for after the batch went out starts the next one.
    expect(await write([4])).toEqual([40]);
    expect(calls).toHaveLength(2);
  });

  it('fails every caller of a batch that failed, and the next batch is written afresh', async () => {
    let fail = true;
    const write = batchedWrites(async (items: string[]) => {
      if (fail) throw new Error('disk on fire');
      return items;
    });
    const both = await Promise.allSettled([write(['a']), write(['b'])]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await write(['c'])).toEqual(['c']);
  });
});

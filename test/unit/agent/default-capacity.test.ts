import { describe, expect, it } from 'vitest';
import { defaultCapacity } from '../../../prober/agent/default-capacity.ts';

const GiB = 1024 ** 3;

describe('the prober\'s default capacity', () => {
  it('follows memory, between a floor and a ceiling', () => {
    expect(defaultCapacity(1 * GiB)).toBe(128);
    expect(defaultCapacity(2 * GiB)).toBe(256);
    expect(defaultCapacity(24 * GiB)).toBe(512);
    expect(defaultCapacity(32 * 1024 ** 2)).toBe(8);
  });
});

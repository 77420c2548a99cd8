import { describe, expect, it } from 'vitest';
import { createKyselyAgentStore } from '../../../edge/dispatch/kysely-agent-store.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';

const T = 1_795_000_000_000;

describe.each(STORE_ENGINES)("an agent's back-offs kept on $name", ({ open }) => {
  it('gives what has not ended, lets a later word replace an earlier, and keeps the longest past the bound', async () => {
    const agents = createKyselyAgentStore(await open());
    await agents.keepHeldOff('a', 'google.com', T + 60_000, T, 3);
    await agents.keepHeldOff('a', 'outlook.com', T + 10_000, T, 3);
    await agents.keepHeldOff('b', 'google.com', T + 90_000, T, 3);
    await agents.keepHeldOff('a', 'google.com', T + 120_000, T, 3);
    expect(await agents.heldOff('a', T)).toEqual(new Map([['google.com', T + 120_000], ['outlook.com', T + 10_000]]));
    expect(await agents.heldOff('a', T + 10_000)).toEqual(new Map([['google.com', T + 120_000]]));
    expect(await agents.heldOff('c', T)).toEqual(new Map());

    // Ended ones go when the next is kept; past the bound the shortest go.
    await agents.keepHeldOff('a', 'yahoo.com', T + 50_000, T + 20_000, 3);
    await agents.keepHeldOff('a', 'qq.com', T + 40_000, T + 20_000, 3);
    await agents.keepHeldOff('a', 'gmx.net', T + 30_000, T + 20_000, 3);
    expect(await agents.heldOff('a', 0)).toEqual(new Map([['google.com', T + 120_000], ['yahoo.com', T + 50_000], ['qq.com', T + 40_000]]));
    expect(await agents.heldOff('b', T)).toEqual(new Map([['google.com', T + 90_000]]));
  });
});

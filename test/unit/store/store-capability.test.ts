import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { openStore } from '../../../edge/adapters/open-store.ts';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { edgeServices } from '../../../edge/compose/edge-services.ts';
import { ItemClaims } from '../../../edge/jobs/item-claims.ts';
import { importGraph } from '../../support/import-graph.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';
import { ScriptedDispatcher, ScriptedResolver, probeAnswer, seededRandom, testConfig } from '../api/app-harness.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('the store says whether several edges share it', () => {
  it.each(STORE_ENGINES)('the $name adapter tells it with the store it opens', async ({ name, openStore: open }) => {
    expect((await open()).sharedByEdges).toBe(name === 'postgres');
  });

  it('openStore (BZ_DB) hands out the adapter\'s answer with the store', async () => {
    const store = await openStore(':memory:');
    expect(store.sharedByEdges).toBe(false);
    await store.db.destroy();
  });

  it.each([true, false])('the job runner asks the store, not its engine: a SQLite store saying sharedByEdges=%s', async (shared) => {
    // The engine is SQLite both times: only what the store says decides whether start-up requeues.
    const db = await openSqlite(':memory:');
    const recover = vi.spyOn(ItemClaims.prototype, 'recover');
    const { jobs } = edgeServices({
      config: testConfig(),
      store: { db, sharedByEdges: shared },
      resolver: new ScriptedResolver({}),
      dispatcher: new ScriptedDispatcher(probeAnswer({ outcome: 'accepted', reason: 'accepted' }), 0),
      clock: new FakeClock(),
      random: seededRandom(),
    });
    await jobs.runner.start();
    await jobs.runner.stop();
    expect(recover).toHaveBeenCalledTimes(shared ? 0 : 1);
    recover.mockRestore();
    await db.destroy();
  });

  it('no feature looks at the engine: engineOf is called only by the store and its adapters', () => {
    const lookers = [...importGraph(ROOT).keys()].filter((file) => /\bengineOf\(/.test(readFileSync(`${ROOT}${file}`, 'utf8')));
    expect(lookers.filter((file) => !file.startsWith('edge/store/') && !file.startsWith('edge/adapters/'))).toEqual([]);
    expect(lookers).toContain('edge/store/dialect.ts');
  });
});

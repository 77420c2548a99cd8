import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../edge/access/api-key.ts';
import { createStoreKeyStore } from '../../../edge/access/key-store.ts';
import { keyCommand } from '../../../cli/commands/key-command.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { memoryStore, seededRandom } from './app-harness.ts';

async function setup() {
  const store = await memoryStore();
  const keys = createStoreKeyStore(store);
  const out: string[] = [];
  const err: string[] = [];
  const deps = { keys, random: seededRandom(3), clock: new FakeClock(), out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  return { store, keys, out, err, run: (...args: string[]) => keyCommand(args, deps) };
}

describe('bouncezero key', () => {
  it('add prints the key once and stores only its SHA-256', async () => {
    const t = await setup();
    expect(await t.run('add', 'crm')).toBe(0);
    const key = t.out.join('').trim();
    expect(key).toMatch(/^bz_[A-Za-z0-9_-]{43}$/);
    const rows = await t.store.selectFrom('api_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_hash).toBe(await hashApiKey(key));
    expect(JSON.stringify(rows)).not.toContain(key);
    expect((await t.keys.findByHash(await hashApiKey(key)))?.name).toBe('crm');
  });

  it('refuses a second live key of one name, bad names and unknown actions', async () => {
    const t = await setup();
    await t.run('add', 'crm');
    expect(await t.run('add', 'crm')).toBe(1);
    expect(await t.run('add', 'bad name')).toBe(2);
    expect(await t.run('add')).toBe(2);
    expect(await t.run('rotate', 'crm')).toBe(2);
    expect(await t.keys.list()).toHaveLength(1);
  });

  it('revoke stops the key; list shows names and hints, never keys', async () => {
    const t = await setup();
    await t.run('add', 'crm');
    const key = t.out.join('').trim();
    t.out.length = 0;
    expect(await t.run('revoke', 'crm')).toBe(0);
    expect(await t.keys.findByHash(await hashApiKey(key))).toBeNull();
    expect(await t.run('revoke', 'crm')).toBe(1);
    expect(await t.run('list')).toBe(0);
    const listing = t.out.join('');
    expect(listing).toMatch(/^crm\tbz_.{4}…\tcreated .*\trevoked /);
    expect(listing).not.toContain(key);
  });
});

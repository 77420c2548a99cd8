import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite, openSqliteStore } from '../../../edge/adapters/sqlite-node.ts';
import { addressHash, createBreachFeed, feedEntry } from '../../../edge/enrich/breach-feed.ts';
import { VerificationResult } from '../../../protocol/index.ts';
import { harness, plan } from '../api/app-harness.ts';

const ROOT = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'bz-breach-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local breach feeds', () => {
  it('reads hashes as given and hashes addresses, skipping comments and junk', async () => {
    const h = await addressHash('Known@Corp.test ');
    expect(h).toBe(await addressHash('known@corp.test'));
    expect(await feedEntry(h.toUpperCase())).toBe(h);
    expect(await feedEntry('known@corp.test')).toBe(h);
    expect(await feedEntry('# a comment')).toBeNull();
    expect(await feedEntry('')).toBeNull();
    expect(await feedEntry('not-a-hash-or-address')).toBeNull();
    expect(await feedEntry('a b@c.test')).toBeNull();
  });

  it('`bouncezero breach import` stores only hashes, counts new entries and skips, and is idempotent', async () => {
    const db = join(dir, 'bz.db');
    const feed = join(dir, 'feed.txt');
    writeFileSync(feed, `# leaked 2026\nknown@corp.test\n${await addressHash('other@corp.test')}\r\njunk line\nknown@corp.test\n`);
    const run = () => spawnSync(process.execPath, [join(ROOT, 'bin/bouncezero.js'), 'breach', 'import', feed, '--source', 'acme-leak'], { env: { ...process.env, BZ_DB: db }, encoding: 'utf8' });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('breach feed "acme-leak": 5 lines, 2 new entries, 2 skipped\n');
    expect(run().stdout).toContain('0 new entries');
    const store = await openSqlite(db);
    const rows = await store.selectFrom('breach_hashes').selectAll().execute();
    expect(rows.map((r) => r.hash).sort()).toEqual([await addressHash('known@corp.test'), await addressHash('other@corp.test')].sort());
    expect(JSON.stringify(rows)).not.toContain('@');
    await store.destroy();
    const missing = spawnSync(process.execPath, [join(ROOT, 'bin/bouncezero.js'), 'breach', 'import', join(dir, 'absent.txt')], { env: { ...process.env, BZ_DB: db }, encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
  }, 30_000);

  it('adds the breached signal to a verification of an address in a feed', async () => {
    const h = await harness({ plans: { 'corp.test': plan('corp.test') } });
    await createBreachFeed(h.deps.store).add([await addressHash('known@corp.test')], 'acme-leak', 0);
    const known = VerificationResult.parse(await (await h.verify({ email: 'known@corp.test' })).json());
    const other = VerificationResult.parse(await (await h.verify({ email: 'stranger@corp.test' })).json());
    expect(known.checks.signals).toContainEqual({ source: 'breach_feed', name: 'breached', ok: true, value: true, detail: 'in local feed acme-leak' });
    expect(other.checks.signals).toContainEqual({ source: 'breach_feed', name: 'breached', ok: true, value: false });
  });

  it('with no feed imported, every verification still says not breached', async () => {
    const h = await harness({ plans: { 'corp.test': plan('corp.test') } });
    const result = VerificationResult.parse(await (await h.verify({ email: 'anyone@corp.test' })).json());
    expect(result.checks.signals).toContainEqual({ source: 'breach_feed', name: 'breached', ok: true, value: false });
  });

  it('asks the store whether any feed is loaded again only after another connection wrote to it', async () => {
    const file = join(dir, 'edge.db');
    const edge = await openSqliteStore(file);
    let feedQueries = 0;
    const counted = edge.db.withPlugin({
      transformQuery: (args) => {
        if (JSON.stringify(args.node).includes('breach_hashes')) feedQueries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const feed = createBreachFeed(counted, edge);
    const breached = async (email: string) => (await feed.signal(email)).value;
    expect([await breached('known@corp.test'), await breached('known@corp.test'), await breached('other@corp.test')]).toEqual([false, false, false]);
    expect(feedQueries).toBe(1);
    // The edge's own writes leave the answer standing.
    await edge.db.insertInto('jobs').values({ id: 'j1', owner: 'k1', status: 'queued', columns_json: null, rows: 0, created_at: 0, completed_at: null }).execute();
    expect(await breached('known@corp.test')).toBe(false);
    expect(feedQueries).toBe(1);
    // A feed imported through another connection (the CLI's) is seen at the next check.
    const cli = await openSqlite(file);
    await createBreachFeed(cli).add([await addressHash('known@corp.test')], 'acme-leak', 0);
    await cli.destroy();
    // A check after the import comes in a later turn of the event loop (the store reads data_version once a turn).
    await new Promise(setImmediate);
    expect([await breached('known@corp.test'), await breached('other@corp.test')]).toEqual([true, false]);
    await edge.db.destroy();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo as NetAddress } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins, type SkippedPlugin } from '../../../prober/plugins/loader.ts';
import { createPluginRegistry } from '../../../prober/plugins/registry.ts';
import { withPlugins } from '../../../prober/plugins/with-plugins.ts';
import { nodePluginFs, pluginSettingsFromEnv } from '../../../prober/adapters/plugin-fs-node.ts';
import { systemClock, type ProbeTask } from '../../../protocol/index.ts';

/** The example of plugins/README.md, loaded the way a third-party plugin is: from BZ_PLUGINS_DIR. */
const EXAMPLES = join(import.meta.dirname, '../../../examples/plugins');
let server: Server;
let host = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === `/people?email=${encodeURIComponent('jane.doe@acme.test')}`) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"team":"finance"}');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as NetAddress).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the example plugin of the authors guide', () => {
  it('loads, skips impossible shapes and adds the directory signal', async () => {
    const skipped: SkippedPlugin[] = [];
    const plugins = await loadPlugins([{ dir: EXAMPLES, builtin: false }], nodePluginFs, (s) => skipped.push(s));
    expect(skipped).toEqual([]);
    const env = { BZ_PLUGIN_ACME_DIRECTORY_DIRECTORY_URL: `http://${host}`, BZ_PLUGIN_ACME_DIRECTORY_ALLOW_HOSTS: host };
    const probed: string[] = [];
    const run = withPlugins(
      async (t) => {
        probed.push(...t.addresses.map((a) => a.address));
        return { task_id: t.id, domain: t.domain, results: t.addresses.map((a) => ({ id: a.id, address: a.address, smtp: { outcome: 'accepted', reason: 'accepted' }, signals: [] })), catch_all: { status: 'no', cached: false }, stats: { connections: 1, commands: 3, round_trips: 2 } };
      },
      createPluginRegistry(plugins),
      { clock: systemClock, fetch, settings: pluginSettingsFromEnv(env) },
    );
    const task: ProbeTask = {
      id: 't',
      domain: 'acme.test',
      plan: { domain: 'acme.test', rule: 'mx', hosts: [], ttl: 60, records: [], cnames: [] },
      addresses: [
        { id: '1', address: 'jane.doe@acme.test', smtputf8: false },
        { id: '2', address: 'john.roe@acme.test', smtputf8: false },
        { id: '3', address: 'jd@acme.test', smtputf8: false },
      ],
      deadline_ms: 5000,
      catch_all: true,
      fresh: false,
    };
    const result = await run(task);
    expect(probed).toEqual(['jane.doe@acme.test', 'john.roe@acme.test']);
    const [jane, john, jd] = result.results;
    expect(jane?.signals).toEqual([{ source: 'acme-directory', name: 'in_directory', ok: true, value: true, detail: 'finance' }]);
    expect(john?.signals).toEqual([{ source: 'acme-directory', name: 'in_directory', ok: true, value: false }]);
    expect(jd?.smtp.reason).toBe('invalid_for_provider');
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cidr } from '../../../net/cidr.ts';
import { createNetDialer } from '../../../prober/adapters/net-dialer.ts';
import { createTaskRunner } from '../../../prober/engine/create-task-runner.ts';
import { ProbeTask } from '../../../protocol/index.ts';
import { startBenchMx } from '../../bench/bench-mx.ts';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const describeTls = hasOpenssl ? describe : describe.skip;
if (!hasOpenssl) console.log('tls-resumption: skipped, needs the openssl command to make a certificate');

function task(domain: string): ProbeTask {
  return ProbeTask.parse({
    id: `t-${domain}`,
    domain,
    plan: { domain, rule: 'mx', ttl: 60, records: [], hosts: [{ host: 'mx.realistic.test', preference: 10, addresses: ['127.0.0.1'] }] },
    addresses: [{ id: 'a0', address: `user1@${domain}` }],
    deadline_ms: 20_000,
    catch_all: false,
  });
}

describeTls('STARTTLS session resumption (a real TLS server on loopback)', () => {
  it('the second session to a server resumes the first one\'s TLS session', async () => {
    const mx = await startBenchMx({ domains: new Set(['a.test', 'b.test']), catchAll: new Set(), exists: (l) => l === 'user1' });
    try {
      const run = createTaskRunner({ dialer: createNetDialer(), heloName: 'prober.world.test', port: mx.port, allowNets: [cidr('127.0.0.0/8')], sessionIdleMs: 0 });
      const first = await run(task('a.test'));
      const second = await run(task('b.test'));
      expect([first, second].map((r) => r.results[0]!.smtp)).toMatchObject([{ outcome: 'accepted', tls: true }, { outcome: 'accepted', tls: true }]);
      expect(mx.counts()).toMatchObject({ sessions: 2, tlsSessions: 2, tlsResumed: 1 });
    } finally {
      await mx.close();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wsConnectEdge } from '../../../prober/adapters/ws-client-node.ts';
import { MemoryAgentStore, addAgent, randomHex, task } from '../../unit/dispatch/hub-harness.ts';
import { eventually, rawClient, scriptedRunner, startAgent, startTestEdge } from './edge-harness.ts';

/** A throw-away self-signed certificate for 127.0.0.1, made with the system's openssl. */
function selfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bz-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
}

describe('the edge with BZ_TLS_CERT / BZ_TLS_KEY', () => {
  it('serves wss, and an agent that trusts the certificate works over it', async () => {
    const tls = selfSigned();
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    const edge = await startTestEdge(store, { tls });
    try {
      expect(edge.agentUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/v1\/agents\/ws$/);
      const { agent, exit } = await startAgent(edge, 'a1', secret, scriptedRunner().runner, { connect: wsConnectEdge({ ca: tls.cert }) });
      await eventually(() => edge.hub.healthyCount() === 1, 'agent ready over wss');
      expect(await edge.hub.submit(task('t1'))).toMatchObject({ ok: true, agent_id: 'a1' });
      agent.drain();
      expect(await exit).toBe(0);

      // plain ws:// to a TLS port never reaches the hub
      const plain = rawClient(edge.agentUrl.replace('wss:', 'ws:'));
      await expect(plain.opened).rejects.toBeTruthy();
    } finally {
      await edge.close();
    }
  });
});

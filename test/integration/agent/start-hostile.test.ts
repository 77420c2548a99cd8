import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDb, worldEnv } from '../../support/bouncezero-processes.ts';
import { clientFrame, rawUpgrade } from '../../support/raw-websocket.ts';
import { eventually } from './edge-harness.ts';
import { describeWorld } from '../../support/world-tier.ts';

const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');

// World tier: the embedded prober's start-up self-check asks the world's DoH.
describeWorld('bouncezero start under hostile agent-socket bytes', () => {
  it('keeps the edge and its embedded prober running', async () => {
    const child = spawn(process.execPath, [BIN, 'start'], { env: worldEnv(tempDb()), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    try {
      await eventually(() => /edge_ready/.test(err), 'the embedded prober connected', 20_000);
      const [, url, agentUrl] = /listening on (\S+) \(agents: (\S+)\)/.exec(err)!;
      for (const bytes of [Buffer.from([0x81, 0x02, 0x68, 0x69]), clientFrame(0x1, Buffer.from([0xff, 0xfe])), clientFrame(0x1, Buffer.alloc(9 * 1024 * 1024, 0x61))]) {
        const raw = await rawUpgrade(agentUrl!);
        raw.socket.write(bytes);
        await raw.closed;
      }
      const health = (await (await fetch(`${url}/v1/health`)).json()) as { agents: number };
      expect(health.agents).toBe(1);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EXIT_REVOKED } from '../../../prober/agent/agent.ts';
import { CLOSE } from '../../../protocol/index.ts';
import { eventually, rawClient, scriptedRunner, startAgent, startTestEdge } from './edge-harness.ts';
import { deriveAgentKey, signChallenge } from '../../../protocol/agent-auth.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');

async function cli(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { env: { ...process.env, BZ_DB: db } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('bouncezero agent add / revoke against a running edge', () => {
  // Five CLI processes, each starting tsx: on a loaded machine that alone takes most of the default 30 s.
  it('adds an agent whose secret works once printed, and revoking it drops the live connection', { timeout: 120_000 }, async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'bz-agents-')), 'bz.db');
    const edge = await startTestEdge(undefined, {}, [], db);
    try {
      const added = await cli(db, 'agent', 'add', 'paris-1');
      const id = /id\s+(agt_[0-9a-f]{16})/.exec(added.stdout)?.[1];
      const secret = /secret\s+([0-9a-f]{64})/.exec(added.stdout)?.[1];
      expect(id && secret).toBeTruthy();
      expect(added.stdout).toContain(`bouncezero prober --edge`);
      expect(added.stdout).toContain(`--id ${id} --secret-file paris-1.secret`);
      expect(added.stdout.split(secret!).length - 1).toBe(1); // printed once, never in the command line
      expect((await cli(db, 'agent', 'add', 'paris-1')).stderr).toContain('exists');

      const { exit } = await startAgent(edge, id!, secret!, scriptedRunner().runner);
      await eventually(() => edge.hub.healthyCount() === 1, 'agent ready');
      expect((await cli(db, 'agent', 'list')).stdout).toMatch(/paris-1\s+agt_[0-9a-f]+\s+active/);

      const revoked = await cli(db, 'agent', 'revoke', 'paris-1');
      expect(revoked.stdout).toContain('revoked');
      expect(await exit).toBe(EXIT_REVOKED);
      expect(edge.hub.agents()).toEqual([]);

      const again = rawClient(edge.agentUrl);
      const nonce = (await again.next('challenge')).nonce;
      const ts = Date.now();
      again.send({ type: 'auth', v: 1, agent_id: id, ts, sig: await signChallenge(await deriveAgentKey(secret!), nonce, id!, ts), capacity: 1, plugins: [], hostname: 'x' });
      expect((await again.closed).code).toBe(CLOSE.revoked);
      expect((await cli(db, 'agent', 'revoke', 'paris-1')).code).toBe(1);
    } finally {
      await edge.close();
    }
  });
});

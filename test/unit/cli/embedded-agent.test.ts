import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedAgent, embeddedSecretPath } from '../../../cli/commands/start.ts';
import { agentPublicKey } from '../../../protocol/agent-auth.ts';
import { MemoryAgentStore } from '../dispatch/hub-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'bz-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("start's embedded prober", () => {
  it('keeps its secret beside the SQLite file, 0600, and the store only its public key; the same identity at the next start', async () => {
    const store = new MemoryAgentStore();
    const secretFile = embeddedSecretPath(join(dir, 'bz.db'))!;
    expect(secretFile).toBe(join(dir, 'embedded-agent.secret'));
    const first = await embeddedAgent(store, secretFile);
    expect((statSync(secretFile).mode & 0o777).toString(8)).toBe('600');
    const row = store.rows.get(first.id)!;
    expect(row.public_key).toBe(await agentPublicKey(first.key));
    expect(JSON.stringify(row)).not.toContain(first.key);
    expect(await embeddedAgent(store, secretFile)).toEqual(first);
  });

  it('replaces an embedded agent whose secret is gone (a store from before Ed25519), revoking the old one', async () => {
    const store = new MemoryAgentStore();
    await store.create({ id: 'agt_old', name: 'embedded', public_key: await agentPublicKey('ab'.repeat(32)), created_at: 0, revoked_at: null });
    const made = await embeddedAgent(store, join(dir, 'fresh.secret'));
    expect(made.id).not.toBe('agt_old');
    expect(store.rows.get('agt_old')!.revoked_at).not.toBeNull();
    expect(embeddedSecretPath(':memory:')).toBeUndefined();
    expect(embeddedSecretPath('postgres://bz@127.0.0.1/bz')).toBeUndefined();
  });
});

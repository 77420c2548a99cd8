import { hostname } from 'node:os';
import { enrollAgent } from '../../edge/dispatch/agent-enrollment.ts';
import { createKyselyAgentStore } from '../../edge/dispatch/kysely-agent-store.ts';
import { withStore } from '../with-store.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';

/** `bouncezero agent add NAME`: enrolls a prober (creating the store on a fresh machine). */
export async function add(name: string): Promise<number> {
  return withStore({ create: true }, async (db) => {
    const made = await enrollAgent(createKyselyAgentStore(db), name, { clock: systemClock, random: systemRandom });
    if (!made.ok) {
      process.stderr.write(`${made.error}\n`);
      return 1;
    }
    const edge = `wss://${hostname()}/v1/agents/ws`;
    process.stdout.write(
      `agent ${made.name}\n  id      ${made.id}\n  secret  ${made.secret}\n\n` +
        `The secret is the prober's private key material, shown only this once: the edge keeps only the\n` +
        `Ed25519 public key derived from it, so a copy of the database cannot pose as this prober.\n` +
        `On the prober, save it to a file only\n` +
        `its user can read (umask 077; cat > ${made.name}.secret, paste, Ctrl-D), then run:\n\n` +
        `  bouncezero prober --edge ${edge} --id ${made.id} --secret-file ${made.name}.secret\n\n` +
        `(--edge is this edge's public URL; ws:// when it runs without BZ_TLS_CERT.)\n`,
    );
    return 0;
  });
}

export async function revoke(name: string): Promise<number> {
  return withStore({ create: false }, async (db) => {
    if (!(await createKyselyAgentStore(db).revoke(name, systemClock.now()))) {
      process.stderr.write(`no active agent named ${name}\n`);
      return 1;
    }
    process.stdout.write(`agent ${name} revoked; a running edge drops it within seconds\n`);
    return 0;
  });
}

export async function list(): Promise<number> {
  return withStore({ create: false }, async (db) => {
    for (const a of await createKyselyAgentStore(db).list()) {
      process.stdout.write(`${a.name.padEnd(24)} ${a.id}  ${a.revoked_at === null ? 'active' : `revoked ${new Date(a.revoked_at).toISOString()}`}\n`);
    }
    return 0;
  });
}

import { hostname } from 'node:os';
import { enrollAgent } from '../../edge/dispatch/agent-enrollment.ts';
import { createKyselyAgentStore } from '../../edge/dispatch/kysely-agent-store.ts';
import { withStore } from '../with-store.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';

const USAGE = `usage: bouncezero agent add NAME | agent revoke NAME | agent list
  (the store is BZ_DB, as for the edge)`;

/** `bouncezero agent …`: manages the probers allowed to connect, straight in the store. */
export async function run(args: string[]): Promise<number> {
  const [verb, name, ...rest] = args;
  if (!verb || rest.length > 0 || (verb !== 'list' && !name)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  return withStore(async (db) => {
    const store = createKyselyAgentStore(db);
    if (verb === 'add') {
      const made = await enrollAgent(store, name!, { clock: systemClock, random: systemRandom });
      if (!made.ok) {
        process.stderr.write(`${made.error}\n`);
        return 1;
      }
      const edge = `wss://${hostname()}/v1/agents/ws`;
      process.stdout.write(
        `agent ${made.name}\n  id      ${made.id}\n  secret  ${made.secret}\n\n` +
          `The secret is shown only this once and is not stored. On the prober, save it to a file only\n` +
          `its user can read (umask 077; cat > ${made.name}.secret, paste, Ctrl-D), then run:\n\n` +
          `  bouncezero prober --edge ${edge} --id ${made.id} --secret-file ${made.name}.secret\n\n` +
          `(--edge is this edge's public URL; ws:// when it runs without BZ_TLS_CERT.)\n`,
      );
      return 0;
    }
    if (verb === 'revoke') {
      if (!(await store.revoke(name!, systemClock.now()))) {
        process.stderr.write(`no active agent named ${name}\n`);
        return 1;
      }
      process.stdout.write(`agent ${name} revoked; a running edge drops it within seconds\n`);
      return 0;
    }
    if (verb === 'list') {
      for (const a of await store.list()) {
        process.stdout.write(`${a.name.padEnd(24)} ${a.id}  ${a.revoked_at === null ? 'active' : `revoked ${new Date(a.revoked_at).toISOString()}`}\n`);
      }
      return 0;
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  });
}

import { openStore } from '../../edge/adapters/open-store.ts';
import { createStoreKeyStore } from '../../edge/access/key-store.ts';
import { loadConfig } from '../../edge/config.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';
import { keyCommand } from './key-command.ts';

/** `bouncezero key add|list|revoke`: API keys, straight in the store at BZ_DB. */
export async function run(args: string[]): Promise<number> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error}\n`);
    return 2;
  }
  const db = await openStore(loaded.config.db);
  try {
    return await keyCommand(args, {
      keys: createStoreKeyStore(db),
      random: systemRandom,
      clock: systemClock,
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
  } finally {
    await db.destroy();
  }
}

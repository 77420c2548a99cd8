import { createStoreKeyStore } from '../../edge/access/key-store.ts';
import { withStore } from '../with-store.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';
import { keyCommand } from './key-command.ts';

/** `bouncezero key add|list|revoke`: API keys, straight in the store at BZ_DB. */
export async function run(args: string[]): Promise<number> {
  // Adding the first key may create the store; listing or revoking needs one that exists.
  return withStore({ create: args[0] === 'add' }, async (db) => {
    return await keyCommand(args, {
      keys: createStoreKeyStore(db),
      random: systemRandom,
      clock: systemClock,
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
  });
}

import { eraseAddress } from '../../edge/retention/erase-address.ts';
import { checkSyntax } from '../../edge/syntax/index.ts';
import { withStore } from '../with-store.ts';

/**
 * `bouncezero forget EMAIL`: erases the address from every table of BZ_DB, whoever's job holds
 * it (like DELETE /v1/addresses/{email}). A running edge's in-process memo lets go within a minute.
 */
export async function run(email: string): Promise<number> {
  const syntax = checkSyntax(email);
  const key = syntax.valid && syntax.normalized !== null ? syntax.normalized : `invalid:${email}`;
  return withStore({ create: false }, async (db) => {
    const n = await eraseAddress(db, key);
    process.stdout.write(`erased ${key}: ${n.rows} job rows, ${n.results} cached results, ${n.outcomes} outcomes, ${n.breach} breach-feed entries\n`);
    return 0;
  });
}

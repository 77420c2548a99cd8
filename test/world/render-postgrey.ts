/** Where the greylisting policy service listens and how it is started. */
import { GREYLIST_DELAY_S } from './world.ts';

export const POSTGREY = { address: '127.0.0.1', port: 10023 } as const;

/**
 * postgrey's arguments. Its default whitelists (postmaster@, big providers) and auto-whitelisting
 * of clients that passed before would let triplets through unseen, so both are switched off.
 */
export function postgreyArgs(dbDir: string, emptyList: string): string[] {
  return [
    `--inet=${POSTGREY.address}:${POSTGREY.port}`,
    `--delay=${GREYLIST_DELAY_S}`,
    `--dbdir=${dbDir}`,
    `--whitelist-clients=${emptyList}`,
    `--whitelist-recipients=${emptyList}`,
    '--auto-whitelist-clients=0',
    '--greylist-text=Greylisted, please try again in %s seconds',
  ];
}

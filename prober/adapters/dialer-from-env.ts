/**
 * The prober's Dialer as the environment asks for it: through the SOCKS5 proxy in BZ_SOCKS5
 * when set (for a prober whose own address may not speak on port 25), else direct.
 */
import type { Clock } from '../../protocol/index.ts';
import type { Dialer } from '../smtp/dialer.ts';
import { createNetDialer } from './net-dialer.ts';
import { createSocks5Dialer } from './socks5-dialer.ts';

/** Throws when BZ_SOCKS5 is set but unusable: a prober must not quietly dial direct instead. */
export function createDialerFromEnv(env: Readonly<Record<string, string | undefined>>, options: { clock?: Clock } = {}): Dialer {
  const proxy = env.BZ_SOCKS5?.trim();
  return proxy ? createSocks5Dialer(proxy, options) : createNetDialer();
}

/** What the reply milter answers to RCPT, by the port Postfix reached it on. */
import { BLOCKLIST_REPLY, SPECIAL_RECIPIENTS } from './world.ts';

export const REPLY_MILTER = { address: '127.0.0.1', blocklistPort: 10025, recipientsPort: 10026 } as const;

export type MilterMode = 'blocklist' | 'recipients';

const SPECIAL: ReadonlyMap<string, string> = new Map(Object.entries(SPECIAL_RECIPIENTS));

/** The reply for `RCPT TO:<address>` (the argument as Postfix forwards it), or undefined to accept. */
export function rcptReply(mode: MilterMode, argument: string): string | undefined {
  if (mode === 'blocklist') return BLOCKLIST_REPLY;
  const address = argument.replace(/^<|>$/g, '').toLowerCase();
  return SPECIAL.get(address);
}

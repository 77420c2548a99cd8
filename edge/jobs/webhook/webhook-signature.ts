import { toHex } from '../../../protocol/index.ts';

/** The headers of a delivery; README "Completion webhook" documents them for receivers. */
export const WEBHOOK_HEADERS = {
  /** `sha256=` + hex HMAC-SHA256(job secret, `${timestamp}.${body}`). */
  signature: 'x-bouncezero-signature',
  /** Unix seconds when the delivery was signed; receivers refuse old ones (replays). */
  timestamp: 'x-bouncezero-timestamp',
  /** `job.finished` */
  event: 'x-bouncezero-event',
  /** `${job id}.${attempt}`: the same finish retried keeps the job id. */
  delivery: 'x-bouncezero-delivery',
} as const;

const utf8 = new TextEncoder();

/** The signature header's value for one body; the timestamp is signed with it so it cannot be swapped. */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, utf8.encode(`${timestamp}.${body}`));
  return `sha256=${toHex(new Uint8Array(mac))}`;
}

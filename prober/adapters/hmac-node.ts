import { createHmac } from 'node:crypto';

/** HMAC-SHA-256 of `message` under `key`: the keyed hash the catch-all probe names come from. */
export function hmacSha256(key: Uint8Array, message: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(message).digest());
}

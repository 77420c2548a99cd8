import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DeflateCodec } from '../store/packed-result.ts';

/**
 * Node's zlib: ~3× faster than the portable codec at packing a result (~30 µs against ~100).
 * Deno's node:zlib ignores the dictionary, so only the Node stores use it.
 */
export const nodeDeflate: DeflateCodec = {
  deflate: (data, dictionary) => deflateRawSync(data, { level: 6, dictionary }),
  inflate: (data, dictionary) => inflateRawSync(data, { dictionary }),
};

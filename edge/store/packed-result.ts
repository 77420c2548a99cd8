import { VerificationResult } from '../../protocol/index.ts';
import { RESULT_DICTIONARY_V1 } from './result-dictionary.ts';

/**
 * Raw deflate (RFC 1951) with a preset dictionary. Every implementation writes a stream every
 * other reads: the portable one (deflate-portable.ts) runs anywhere, an adapter may bring a
 * faster native one.
 */
export interface DeflateCodec {
  deflate(data: Uint8Array, dictionary: Uint8Array): Uint8Array;
  inflate(data: Uint8Array, dictionary: Uint8Array): Uint8Array;
}

/** Results as the store keeps them (`result_json` of job items and the result cache). */
export interface ResultPacking {
  pack(result: VerificationResult): string;
  /**
   * The stored result, parsed; null for text this build cannot read (damaged, a format of a newer
   * release, a result an older release wrote that no longer fits the schema), which callers
   * treat like a missing result.
   */
  unpack(stored: string): VerificationResult | null;
}

/**
 * Results at rest, deflated. A result is ~2.7 KB of JSON, most of it a transcript and DNS
 * records shaped like every other result's, and a job keeps one per address twice (its item and
 * the result cache): a million-address job took ~8 GB. Deflated against a preset dictionary of
 * that shared shape it takes ~7× less. The text is `z1:` and the base64 of the deflate stream,
 * so it stays a text column on every engine. Plain JSON, as releases before packing stored it,
 * is read as it is.
 */
export function resultPacking(codec: DeflateCodec): ResultPacking {
  // A job's fresh answer goes to its item and to the result cache: packed once for both.
  const packed = new WeakMap<object, string>();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    pack(result) {
      const known = packed.get(result);
      if (known !== undefined) return known;
      const text = PREFIX_V1 + toBase64(codec.deflate(encoder.encode(JSON.stringify(result)), DICTIONARY_V1));
      packed.set(result, text);
      return text;
    },
    unpack(stored) {
      const parsed = VerificationResult.safeParse(readJson(stored));
      return parsed.success ? parsed.data : null;
    },
  };

  function readJson(stored: string): unknown {
    try {
      if (stored.startsWith(PREFIX_V1)) return JSON.parse(decoder.decode(codec.inflate(fromBase64(stored.slice(PREFIX_V1.length)), DICTIONARY_V1)));
      if (stored.startsWith('{')) return JSON.parse(stored);
    } catch {
      // Damaged text reads as no result.
    }
    return null;
  }
}

const PREFIX_V1 = 'z1:';
const DICTIONARY_V1 = new TextEncoder().encode(RESULT_DICTIONARY_V1);

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeDeflate } from '../../../edge/adapters/deflate-node.ts';
import { portableDeflate } from '../../../edge/store/deflate-portable.ts';
import { resultPacking, type DeflateCodec } from '../../../edge/store/packed-result.ts';
import { RESULT_DICTIONARY_V1 } from '../../../edge/store/result-dictionary.ts';
import { VerificationResult } from '../../../protocol/index.ts';

// A result as a Postfix server's 550 makes it, its names and addresses unlike the dictionary's.
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
const result = VerificationResult.parse(JSON.parse(fixture('result-postfix.json')));
const codecs: [string, DeflateCodec][] = [['node zlib', nodeDeflate], ['portable', portableDeflate]];

describe('results at rest', () => {
  it.each(codecs)('%s: a result comes back as it went in, in under a fifth of its JSON', (_, codec) => {
    const packing = resultPacking(codec);
    const stored = packing.pack(result);
    expect(stored.startsWith('z1:')).toBe(true);
    // Without the dictionary deflate reaches about a third: this bound holds only with it.
    expect(stored.length).toBeLessThan(JSON.stringify(result).length / 5);
    expect(packing.unpack(stored)).toEqual(result);
  });

  it('what one codec writes the other reads', () => {
    expect(resultPacking(portableDeflate).unpack(resultPacking(nodeDeflate).pack(result))).toEqual(result);
    expect(resultPacking(nodeDeflate).unpack(resultPacking(portableDeflate).pack(result))).toEqual(result);
  });

  it('text written by an earlier build still reads: the dictionary is the one it was written with', () => {
    expect(createHash('sha256').update(RESULT_DICTIONARY_V1).digest('hex')).toBe('d3ff7e51a35349cb654a8a520501aba78864cea8df2910bfb1cae226f4e58602');
    for (const [, codec] of codecs) expect(resultPacking(codec).unpack(fixture('result-postfix.z1.txt').trim())).toEqual(result);
  });

  it('reads plain JSON as releases before packing stored it', () => {
    expect(resultPacking(portableDeflate).unpack(JSON.stringify(result))).toEqual(result);
  });

  it('reads damaged text and formats it does not know as no result', () => {
    const packing = resultPacking(portableDeflate);
    const stored = packing.pack(result);
    expect(packing.unpack(stored.slice(0, 40))).toBeNull();
    expect(packing.unpack('z1:not base64!')).toBeNull();
    expect(packing.unpack(`z9:${stored.slice(3)}`)).toBeNull();
    expect(packing.unpack('{broken')).toBeNull();
  });

  it('packs a result once however many tables keep it', () => {
    let deflated = 0;
    const packing = resultPacking({ ...nodeDeflate, deflate: (data, dictionary) => (deflated++, nodeDeflate.deflate(data, dictionary)) });
    expect(packing.pack(result)).toBe(packing.pack(result));
    packing.pack({ ...result });
    expect(deflated).toBe(2);
  });
});

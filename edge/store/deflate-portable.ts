import { deflateSync, inflateSync } from 'fflate';
import { resultPacking, type DeflateCodec } from './packed-result.ts';

/** Deflate in plain JavaScript (fflate): the same stream on every runtime, ~3× slower than Node's zlib. */
export const portableDeflate: DeflateCodec = {
  deflate: (data, dictionary) => deflateSync(data, { level: 6, dictionary }),
  inflate: (data, dictionary) => inflateSync(data, { dictionary }),
};

/** Packing where no adapter brought a faster codec (Deno, tests). */
export const portablePacking = resultPacking(portableDeflate);

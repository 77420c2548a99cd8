import { randomHex, type Random } from '../../protocol/index.ts';

/** An opaque, unguessable job id (the id is all a caller needs to read the results). */
export function newJobId(random: Random): string {
  return `job_${randomHex(random, 16)}`;
}

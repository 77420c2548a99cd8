import type { Random } from '../../protocol/index.ts';

/** An opaque, unguessable job id (the id is all a caller needs to read the results). */
export function newJobId(random: Random): string {
  return `job_${Array.from(random.bytes(16), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

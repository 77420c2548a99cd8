import { MAX_ADDRESS_TRANSCRIPT, MAX_PRELUDE_LINES, MAX_PRELUDES, type ProbeAddressResult, type ProbeResult } from './probe.ts';
import type { TranscriptLine } from './smtp.ts';

/**
 * What an edge names in its ready frame's `features` when it reads shared preludes: a prober
 * sends them only then, since an older edge would drop the field and with it those lines.
 */
export const SHARED_PRELUDES = 'shared_preludes';

/** Fewer lines in common than this stay where they are: not worth an index. */
const MIN_SHARED_LINES = 4;

/**
 * The result with the lines several addresses' transcripts begin with sent once, in `preludes`:
 * every address of a session repeats its opening (connect, banner, EHLO, STARTTLS, EHLO again:
 * ~25 lines) and those of one transaction its MAIL FROM too, about two thirds of a result frame
 * and of the edge's parse of it. expandPreludes gives back exactly the result given here.
 */
export function sharePreludes(result: ProbeResult): ProbeResult {
  if (result.preludes) return result;
  const byFirstLine = new Map<string, number[]>();
  for (const [i, r] of result.results.entries()) {
    const transcript = r.smtp.transcript;
    // A longer transcript would come back cut to the last MAX_ADDRESS_TRANSCRIPT lines.
    if (!transcript || transcript.length < MIN_SHARED_LINES || transcript.length > MAX_ADDRESS_TRANSCRIPT || r.prelude !== undefined) continue;
    const key = lineKey(transcript[0] as TranscriptLine);
    byFirstLine.set(key, [...(byFirstLine.get(key) ?? []), i]);
  }
  const preludes: TranscriptLine[][] = [];
  const results: ProbeAddressResult[] = [...result.results];
  for (const members of byFirstLine.values()) {
    if (members.length < 2 || preludes.length === MAX_PRELUDES) continue;
    const transcripts = members.map((i) => result.results[i]?.smtp.transcript ?? []);
    const first = transcripts[0] ?? [];
    let shared = Math.min(MAX_PRELUDE_LINES, ...transcripts.map((t) => t.length));
    for (const t of transcripts.slice(1)) shared = commonLength(first, t, shared);
    if (shared < MIN_SHARED_LINES) continue;
    const prelude = preludes.push(first.slice(0, shared)) - 1;
    for (const i of members) {
      const r = result.results[i] as ProbeAddressResult;
      results[i] = { ...r, prelude, smtp: { ...r.smtp, transcript: (r.smtp.transcript ?? []).slice(shared) } };
    }
  }
  return preludes.length === 0 ? result : { ...result, results, preludes };
}

/**
 * Every address's whole transcript again, its prelude in front (cut to the last
 * MAX_ADDRESS_TRANSCRIPT lines, so a prober cannot make the edge store more than it could send
 * inline); the result then has no preludes and no references to them.
 */
export function expandPreludes(result: ProbeResult): ProbeResult {
  const { preludes, ...rest } = result;
  if (!preludes && result.results.every((r) => r.prelude === undefined)) return result;
  return {
    ...rest,
    results: result.results.map(({ prelude, ...r }) => {
      const head = prelude === undefined ? undefined : preludes?.[prelude];
      return head ? { ...r, smtp: { ...r.smtp, transcript: [...head, ...(r.smtp.transcript ?? [])].slice(-MAX_ADDRESS_TRANSCRIPT) } } : r;
    }),
  };
}

function lineKey(line: TranscriptLine): string {
  return `${line.at_ms}\0${line.dir}\0${line.text}`;
}

/** How many lines `a` and `b` have in common from their start, at most `limit`. */
function commonLength(a: readonly TranscriptLine[], b: readonly TranscriptLine[], limit: number): number {
  let n = 0;
  while (n < limit && n < a.length && n < b.length && lineKey(a[n] as TranscriptLine) === lineKey(b[n] as TranscriptLine)) n++;
  return n;
}

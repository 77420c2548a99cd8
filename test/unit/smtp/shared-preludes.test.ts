import { describe, expect, it } from 'vitest';
import {
  MAX_ADDRESS_TRANSCRIPT, PROTOCOL_VERSION, expandPreludes, parseFrame, sharePreludes, type ProbeResult, type TranscriptLine,
} from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';
const BACKUP = '192.0.2.11';

/** What the edge reads: the frame's text, parsed and checked as every frame is. */
function overTheWire(result: ProbeResult): { bytes: number; result: ProbeResult } {
  const text = JSON.stringify({ type: 'result', v: PROTOCOL_VERSION, result });
  const parsed = parseFrame(text);
  if (!parsed.ok || parsed.frame.type !== 'result') throw new Error(`refused: ${JSON.stringify(parsed)}`);
  return { bytes: text.length, result: parsed.frame.result };
}

/** A real run of the engine: two batches in one STARTTLS-less session, the catch-all probes, and a second MX after a 421. */
async function engineResult(): Promise<ProbeResult> {
  const clock = new FakeClock();
  const network = new FakeNetwork({
    [MX]: { rcpt: (a) => (a.startsWith('user') ? '250 2.1.5 Ok' : '550 5.1.1 <' + a + '>: Recipient address rejected: User unknown') },
    [BACKUP]: { rcpt: () => '250 2.1.5 Ok' },
  }, clock);
  const run = runnerFor(network, clock, { batchSize: 4 });
  const locals = [...Array.from({ length: 7 }, (_, i) => `user${i}`), 'nobody', 'ghost'];
  return settle(clock, run(makeTask('d.test', locals, [['mx.d.test', MX], ['mx2.d.test', BACKUP]])));
}

describe('shared preludes: a session’s opening sent once per result', () => {
  it('gives the edge back exactly what the engine made, in a frame about half the size (a fake server’s opening is short; a real STARTTLS one saves more)', async () => {
    const full = await engineResult();
    // Every address's transcript starts with the session's opening: what is shared.
    expect(full.results.every((r) => r.smtp.transcript![0]!.text.startsWith('connected to'))).toBe(true);
    const shared = overTheWire(sharePreludes(full));
    const inline = overTheWire(full);
    expect(shared.result.preludes?.length).toBeGreaterThanOrEqual(1);
    expect(shared.result.results.every((r) => r.prelude !== undefined)).toBe(true);
    expect(expandPreludes(shared.result)).toEqual(inline.result);
    expect(shared.bytes).toBeLessThan(inline.bytes * 0.6);
  });

  it('leaves alone what nothing shares: a lone address, short transcripts, one already shared', async () => {
    const full = await engineResult();
    const lone = { ...full, results: full.results.slice(0, 1) };
    expect(sharePreludes(lone)).toBe(lone);
    const short = { ...full, results: full.results.map((r) => ({ ...r, smtp: { ...r.smtp, transcript: r.smtp.transcript!.slice(-2) } })) };
    expect(sharePreludes(short)).toBe(short);
    const once = sharePreludes(full);
    expect(sharePreludes(once)).toBe(once);
    expect(expandPreludes(full)).toBe(full);
  });

  it('never shares a transcript the edge would cut, and the edge never stores more than a prober could send inline', async () => {
    const full = await engineResult();
    const line = (i: number): TranscriptLine => ({ at_ms: i, dir: 's', text: `250-line ${i}` });
    const long = Array.from({ length: MAX_ADDRESS_TRANSCRIPT + 1 }, (_, i) => line(i));
    const tooLong = { ...full, results: full.results.map((r) => ({ ...r, smtp: { ...r.smtp, transcript: long } })) };
    expect(sharePreludes(tooLong)).toBe(tooLong);
    // A hostile prober's 40-line prelude in front of 60 lines of its own: the edge keeps the last 64.
    const hostile = overTheWire({
      ...full,
      preludes: [Array.from({ length: 40 }, (_, i) => line(i))],
      results: full.results.map((r) => ({ ...r, prelude: 0, smtp: { ...r.smtp, transcript: long.slice(0, 60) } })),
    });
    expect(expandPreludes(hostile.result).results.every((r) => r.smtp.transcript!.length === MAX_ADDRESS_TRANSCRIPT)).toBe(true);
  });

  it('refuses a frame that points at a prelude it does not carry', async () => {
    const full = await engineResult();
    const bad = { ...full, results: full.results.map((r, i) => (i === 2 ? { ...r, prelude: 1 } : r)), preludes: [full.results[0]!.smtp.transcript!.slice(0, 5)] };
    expect(parseFrame(JSON.stringify({ type: 'result', v: PROTOCOL_VERSION, result: bad }))).toMatchObject({ ok: false, reason: 'frame_schema:result.results.2.prelude' });
  });
});

/**
 * One task's result frame (5 addresses of one STARTTLS session with a realistic Postfix opening)
 * sent with whole transcripts and with shared preludes: bytes an address, and the edge's CPU an
 * address to parse the frame and put the transcripts back together (after a warm-up).
 *   npx tsx test/bench/result-frames.ts
 */
import { expandPreludes, parseFrame, PROTOCOL_VERSION, sharePreludes, type ProbeTask } from '../../protocol/index.ts';
import { realisticResult } from './realistic-result.ts';

const ADDRESSES = 5;
const task = {
  id: 't1',
  domain: 'shop.test',
  addresses: Array.from({ length: ADDRESSES }, (_, i) => ({ id: `i${i}`, address: `user${i}@shop.test`, smtputf8: false })),
} as ProbeTask;
const result = realisticResult(task);

for (const [name, sent] of [['whole transcripts', result], ['shared preludes', sharePreludes(result)]] as const) {
  const text = JSON.stringify({ type: 'result', v: PROTOCOL_VERSION, result: sent });
  const edge = () => {
    const parsed = parseFrame(text);
    if (!parsed.ok || parsed.frame.type !== 'result') throw new Error(`refused: ${JSON.stringify(parsed)}`);
    return expandPreludes(parsed.frame.result);
  };
  for (let i = 0; i < 3_000; i++) edge();
  const rounds = 10_000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) edge();
  const us = ((performance.now() - started) * 1000) / rounds / ADDRESSES;
  console.log(`${name}: ${Math.round(text.length / ADDRESSES)} bytes an address, ${us.toFixed(1)} µs an address to parse and expand`);
}

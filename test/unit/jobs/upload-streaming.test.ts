import { describe, expect, it } from 'vitest';
import { jobsHarness } from './jobs-harness.ts';

const ROWS = 200_000;

/** A CSV body made on demand, 64 KiB at a time: the whole file never exists in memory. */
function generatedCsv(rows: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next === 0) controller.enqueue(encoder.encode('id,email,note\r\n'));
      let text = '';
      while (next < rows && text.length < 65_536) {
        text += `${next},user${next}@d${next % 500}.test,"row ${next}, kept"\r\n`;
        next++;
      }
      if (text) controller.enqueue(encoder.encode(text));
      if (next >= rows) controller.close();
    },
  });
}

describe('a 200,000-row upload', () => {
  it('streams into the store without holding the list in memory', async () => {
    const h = await jobsHarness({ healthy: 0 });
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const started = performance.now();
    const res = await h.app.request('/v1/jobs', {
      method: 'POST',
      headers: { authorization: 'Bearer test-key-0123456789', 'content-type': 'text/csv' },
      body: generatedCsv(ROWS),
      duplex: 'half',
    } as RequestInit);
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await h.status(id)).toMatchObject({ rows: ROWS, total: ROWS, pending: ROWS });
    // The CSV alone is ~10 MB as text (~20 MB as JS strings) and its rows as objects far more;
    // a loose bound that a parser buffering the body, or the intake collecting rows, would break.
    const growthMb = (peak - before) / 2 ** 20;
    console.log(`upload of ${ROWS} rows: ${seconds.toFixed(1)} s, ${(ROWS / seconds).toFixed(0)} rows/s, peak heap growth ${growthMb.toFixed(0)} MB`);
    expect(growthMb).toBeLessThan(40);
    const last = await h.store.selectFrom('job_rows').select(['row_no', 'cells_json']).where('job_id', '=', id).orderBy('row_no', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last).toEqual({ row_no: ROWS, cells_json: JSON.stringify([String(ROWS - 1), `user${ROWS - 1}@d${(ROWS - 1) % 500}.test`, `row ${ROWS - 1}, kept`]) });
  }, 120_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../edge/adapters/sqlite-node.ts';
import { jobsHarness, TEST_KEY } from './jobs-harness.ts';

const ROWS = 200_000;
const CHUNK = 65_536;

/** A CSV body made on demand, one chunk per pull: the whole file never exists in memory. */
function generatedCsv(rows: number, onPull: (generated: number) => void = () => {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream(
    {
      pull(controller) {
        onPull(next);
        let text = next === 0 ? 'id,email,note\r\n' : '';
        while (next < rows && text.length < CHUNK) {
          text += `${next},user${next}@d${next % 500}.test,"row ${next}, kept"\r\n`;
          next++;
        }
        controller.enqueue(encoder.encode(text));
        if (next >= rows) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

describe('a 200,000-row upload', () => {
  it('is read only as fast as it is stored: never more than a chunk and a batch ahead of the store', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bz-upload-')), 'bz.db');
    const h = await jobsHarness({ healthy: 0, store: await openSqliteStore(file) });
    // A second connection sees what the upload has committed so far, at the moment of each pull.
    const peek = new SqliteDatabase(file, { readonly: true });
    const stored = peek.prepare('SELECT count(*) AS n FROM job_rows');
    let worstLead = 0;
    let pulls = 0;
    const body = generatedCsv(ROWS, (generated) => {
      pulls++;
      worstLead = Math.max(worstLead, generated - (stored.get() as { n: number }).n);
    });
    const res = await h.app.request('/v1/jobs', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'text/csv' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await h.status(id)).toMatchObject({ rows: ROWS, total: ROWS, pending: ROWS });
    const rowsPerChunk = Math.ceil(CHUNK / 30);
    // Read-ahead is what is held in memory: at most the chunk being parsed, the next one, and one batch of 500.
    expect(pulls).toBeGreaterThan(ROWS / rowsPerChunk / 2);
    expect(worstLead).toBeLessThanOrEqual(2 * rowsPerChunk + 500);
    const last = await h.store.selectFrom('job_rows').select(['row_no', 'cells_json']).where('job_id', '=', id).orderBy('row_no', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last).toEqual({ row_no: ROWS, cells_json: JSON.stringify([String(ROWS - 1), `user${ROWS - 1}@d${(ROWS - 1) % 500}.test`, `row ${ROWS - 1}, kept`]) });
    peek.close();
    await h.store.destroy();
  }, 120_000);

  it('refuses a chunked body past the upload limit while streaming, leaving nothing behind', async () => {
    const h = await jobsHarness({ healthy: 0, env: { BZ_UPLOAD_LIMIT_BYTES: '1000000' } });
    const res = await h.app.request('/v1/jobs', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'text/csv' },
      body: generatedCsv(ROWS),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'body_too_large', message: 'The body is larger than 1000000 bytes.' } });
    expect(await h.store.selectFrom('job_rows').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()).toEqual({ n: 0 });
  });
});

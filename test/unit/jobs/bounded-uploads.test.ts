import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../../edge/csv/csv-parser.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { storedKey, testConfig, until } from '../api/app-harness.ts';
import { jobsHarness, plan, TEST_KEY } from './jobs-harness.ts';

const plans = { 'a.test': plan('a.test') };
const MB = 1024 * 1024;

type H = Awaited<ReturnType<typeof jobsHarness>>;

async function nothingStored(h: H): Promise<void> {
  for (const table of ['jobs', 'job_items', 'job_rows'] as const satisfies readonly (keyof Database)[]) {
    expect(await h.store.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(), table).toEqual({ n: 0 });
  }
}

describe('bounded uploads', () => {
  it('refuses a 1 MB CSV cell with 413 and its line number, after rows were already written, and keeps nothing of the job', async () => {
    const h = await jobsHarness({ plans });
    const good = Array.from({ length: 1200 }, (_, i) => `u${i}@a.test,ok`).join('\n');
    const res = await h.post(`email,note\n${good}\nlast@a.test,${'x'.repeat(MB)}\n`, 'text/csv');
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'cell_too_large', message: 'line 1202: a cell is longer than 4096 characters' } });
    await nothingStored(h);
  });

  it('refuses a quoted multi-line cell and a row of countless empty cells the same way', async () => {
    const h = await jobsHarness({ plans, env: { BZ_UPLOAD_CELL_LIMIT: '100', BZ_UPLOAD_ROW_LIMIT: '1000' } });
    const quoted = await h.post(`email,note\na@a.test,"${'line\n'.repeat(50)}"\n`, 'text/csv');
    expect(quoted.status).toBe(413);
    expect(((await quoted.json()) as { error: { message: string } }).error.message).toBe('line 22: a cell is longer than 100 characters');
    const wide = await h.post(`email\na@a.test${','.repeat(5000)}\n`, 'text/csv');
    expect(wide.status).toBe(413);
    expect(((await wide.json()) as { error: { message: string } }).error.message).toBe('line 2: a row is longer than 1000 characters');
    expect((await h.post(`email,note\na@a.test,${'y'.repeat(100)}\n`, 'text/csv')).status).toBe(202);
  });

  it('refuses a 1 MB JSON string or element with 413, naming the line and the element, and keeps nothing', async () => {
    const h = await jobsHarness({ plans });
    const head = Array.from({ length: 700 }, (_, i) => JSON.stringify(`u${i}@a.test`)).join(',\n');
    const long = await h.post(`[${head},\n{"email":"z@a.test","note":"${'x'.repeat(MB)}"}]`, 'application/json');
    expect(long.status).toBe(413);
    expect(await long.json()).toEqual({ error: { code: 'cell_too_large', message: 'line 701, element 701: a string is longer than 4096 characters' } });
    await nothingStored(h);
    const many = Array.from({ length: 20_000 }, (_, i) => `"f${i}":1`).join(',');
    const wide = await h.post(`["a@a.test", {"email":"b@a.test",${many}}]`, 'application/json');
    expect(wide.status).toBe(413);
    expect(((await wide.json()) as { error: { message: string } }).error.message).toBe('line 1, element 2: the element is longer than 65536 characters');
    await nothingStored(h);
  });

  it('holds no more than the limit of an oversized cell, whatever the chunks', () => {
    const parser = new CsvParser({ limits: { cell: 4096, row: 65_536 } });
    let most = 0;
    const chunk = 'x'.repeat(64 * 1024);
    parser.push('email,note\na@a.test,');
    for (let i = 0; i < 16 && !parser.error; i++) {
      parser.push(chunk);
      most = Math.max(most, parser.pendingLength);
    }
    expect(parser.error).toEqual({ line: 2, message: 'a cell is longer than 4096 characters', tooLarge: true });
    expect(most).toBeLessThanOrEqual(4096 + 'a@a.test'.length);
  });

  it('lets one key stream at most BZ_UPLOADS_PER_KEY uploads at once (429), other keys unaffected', async () => {
    const h = await jobsHarness({ plans, env: { BZ_UPLOADS_PER_KEY: '2' } });
    const held: { started: boolean; finish: () => void }[] = [];
    const heldUpload = (key: string) => {
      const state = { started: false, finish: () => {} };
      held.push(state);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          state.finish = () => {
            controller.enqueue(new TextEncoder().encode('email\na@a.test\n'));
            controller.close();
          };
        },
        pull() {
          state.started = true;
        },
        // Pulled only when the route reads the body, which it does once it holds an upload slot:
        // with the default of one chunk the stream pulled at once, and the third upload could come before the slots were taken.
      }, { highWaterMark: 0 });
      return h.app.request('/v1/jobs', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body, duplex: 'half' } as RequestInit);
    };
    const first = heldUpload(TEST_KEY);
    const second = heldUpload(TEST_KEY);
    await until(() => held.every((s) => s.started));
    const third = await h.post('email\nb@a.test\n', 'text/csv');
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('too_many_uploads');
    const other = await storedKey(h.store, 'other', ['jobs']);
    expect((await h.app.request('/v1/jobs', { method: 'POST', headers: { authorization: `Bearer ${other}`, 'content-type': 'text/csv' }, body: 'email\nc@a.test\n' })).status).toBe(202);
    held[0]?.finish();
    expect((await first).status).toBe(202);
    expect((await h.post('email\nd@a.test\n', 'text/csv')).status).toBe(202);
    held[1]?.finish();
    expect((await second).status).toBe(202);
  });

  it('reads the limits from the environment', () => {
    expect(testConfig({ BZ_UPLOAD_CELL_LIMIT: '8192', BZ_UPLOAD_ROW_LIMIT: '100000', BZ_UPLOADS_PER_KEY: '4' })).toMatchObject({ uploadLimits: { cell: 8192, row: 100_000 }, uploadsPerKey: 4 });
    expect(testConfig()).toMatchObject({ uploadLimits: { cell: 4096, row: 65_536 }, uploadsPerKey: 2 });
  });
});

import { describe, expect, it } from 'vitest';
import { ingestJob } from '../../../edge/jobs/ingest-job.ts';
import type { IntakeEvent } from '../../../edge/jobs/intake-rows.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';
import { seededRandom } from '../api/app-harness.ts';
import { portablePacking } from '../../../edge/store/deflate-portable.ts';
import { VerificationResult } from '../../../protocol/index.ts';

async function* events(emails: string[]): AsyncGenerator<IntakeEvent> {
  yield { columns: ['email', 'n'] };
  for (const [i, email] of emails.entries()) yield { row: { email, cells: JSON.stringify([email, String(i)]) } };
}

describe.each(STORE_ENGINES)('ingesting a job on $name', ({ open }) => {
  it('stores one item per address and every row pointing at it, duplicates within and across batches', async () => {
    const db = await open();
    const clock = new FakeClock();
    // Three rows a batch: the second Ann and the second Bob fall in later batches than their first.
    const emails = ['ann@a.test', 'bob@b.test', 'ann@A.test', 'not an address', 'cy@c.test', 'bob@B.test', 'dee@d.test', 'not an address'];
    const outcome = await ingestJob({ db, clock, random: seededRandom(), checkSyntax, owner: 'k1', batchSize: 3 }, events(emails));
    expect(outcome).toMatchObject({ ok: true, rows: 8 });
    if (!outcome.ok) return;
    const items = await db.selectFrom('job_items').selectAll().where('job_id', '=', outcome.id).orderBy('id').execute();
    expect(items.map((i) => [i.key, i.email, i.domain, i.state, i.attempt, i.retries, i.verdict])).toEqual([
      ['ann@a.test', 'ann@a.test', 'a.test', 'pending', 0, 0, null],
      ['bob@b.test', 'bob@b.test', 'b.test', 'pending', 0, 0, null],
      ['invalid:not an address', 'not an address', null, 'done', 0, 0, 'undeliverable'],
      ['cy@c.test', 'cy@c.test', 'c.test', 'pending', 0, 0, null],
      ['dee@d.test', 'dee@d.test', 'd.test', 'pending', 0, 0, null],
    ]);
    expect(items.map((i) => [i.due_at === null ? null : Number(i.due_at), i.done_at === null ? null : Number(i.done_at), i.result_json === null ? null : VerificationResult.parse(portablePacking.unpack(i.result_json)).verdict])).toEqual([
      [clock.now(), null, null],
      [clock.now(), null, null],
      [null, clock.now(), 'undeliverable'],
      [clock.now(), null, null],
      [clock.now(), null, null],
    ]);
    const idOf = new Map(items.map((i) => [i.key, i.id]));
    const rows = await db.selectFrom('job_rows').selectAll().where('job_id', '=', outcome.id).orderBy('row_no').execute();
    const keyOf = (email: string) => (email.includes('@') ? email.replace(/@.*/, (domain) => domain.toLowerCase()) : `invalid:${email}`);
    expect(rows).toEqual(emails.map((email, i) => ({ job_id: outcome.id, row_no: i + 1, item_id: idOf.get(keyOf(email)), email, cells_json: JSON.stringify([email, String(i)]) })));
    const job = await db.selectFrom('jobs').select(['status', 'rows', 'columns_json']).where('id', '=', outcome.id).executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'queued', rows: 8, columns_json: '["email","n"]' });
  });
});

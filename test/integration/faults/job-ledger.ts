/**
 * The fault suite's one claim, checked the same way after every fault: the job completed,
 * every input row has exactly one result row with a verdict and a reason, the counts add up
 * to the distinct addresses, and an address of the world got either its expected verdict or
 * unknown (a fault may cost an answer, never make a wrong one).
 */
import { expect } from 'vitest';
import type { jobClient, JobReport } from '../../support/job-client.ts';
import { VERDICTS } from '../../../protocol/index.ts';
import { bulkDomain, bulkMailbox } from '../../world/world.ts';


export async function expectEveryRowAccounted(client: ReturnType<typeof jobClient>, id: string, final: JobReport, submitted: string[], expected: Map<string, string> = new Map()): Promise<Map<string, string>> {
  expect(final.status).toBe('completed');
  expect(final.rows).toBe(submitted.length);
  expect(final.done).toBe(final.total);
  expect(final.pending + final.in_flight + final.waiting_retry).toBe(0);
  expect(Object.values(final.counts).reduce((a, b) => a + b, 0)).toBe(final.total);
  const rows = await client.results(id);
  expect(rows.map((r) => r.row)).toEqual(submitted.map((_, i) => i + 1));
  expect(rows.map((r) => r.email)).toEqual(submitted);
  const reasons = new Map<string, string>();
  for (const row of rows) {
    expect(VERDICTS).toContain(row.verdict);
    expect(row.reason, row.email).toMatch(/^[a-z_]+$/);
    const want = expected.get(row.email);
    if (want) expect([want, 'unknown'], row.email).toContain(row.verdict);
    reasons.set(row.email, `${row.verdict}/${row.reason}`);
  }
  const tally: Record<string, number> = {};
  for (const v of new Set(rows.map((r) => r.email))) tally[reasons.get(v)!.split('/')[0]!] = (tally[reasons.get(v)!.split('/')[0]!] ?? 0) + 1;
  for (const v of VERDICTS) expect(final.counts[v] ?? 0, v).toBe(tally[v] ?? 0);
  return reasons;
}

export async function until<T>(probe: () => Promise<T | undefined>, what: string, limitMs: number, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Submits a job over 24 bulk domains from `firstDomain` (four existing mailboxes and one missing
 * each) and waits until it is partly done: the moment a fault test cuts something.
 */
export async function submitAndWaitMidway(client: ReturnType<typeof jobClient>, firstDomain: number, logs: () => string) {
  const expected = new Map<string, string>();
  for (let d = firstDomain; d < firstDomain + 24; d++) {
    for (const j of [0, 1, 2, 3]) expected.set(`${bulkMailbox(j)}@${bulkDomain(d)}`, 'deliverable');
    expected.set(`missing@${bulkDomain(d)}`, 'undeliverable');
  }
  const submitted = [...expected.keys()];
  const id = await client.submit(submitted);
  const midway = await until(async () => {
    const s = await client.status(id);
    return s.done >= 10 ? s : undefined;
  }, 'the first answers', 30_000, logs);
  return { expected, submitted, id, midway };
}

/**
 * A bulk job over the world's bulk domains through real `bouncezero edge` and `bouncezero
 * prober` processes: wall time, memory of each process at 10%, 50% and 100% done, and SMTP
 * sessions the bulk listener saw (counted from Postfix's log, independent of BounceZero).
 *
 *   npx tsx test/bench/bulk.ts [--size 100000] [--capacity 32] [--max-sessions 2] [--sessions-per-minute 100000]
 *
 * The world has BULK.domains × BULK.mailboxes addresses (2000 × 100); the job spreads over
 * every domain (100,000 ⇒ 50 a domain). One in ten is a missing mailbox of the same domain.
 * Sessions per minute per MX address is raised (all 2000 domains share one MX here; the
 * default 30/min would pace the run to politeness, not to the software).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addAgent, memoryOf, PROCESS_KEY, startEdge, startProber, tempDb, worldEnv } from '../support/bouncezero-processes.ts';
import { BULK, bulkDomain, bulkMailbox } from '../world/world.ts';
import { jobClient, waitForJob } from '../support/job-client.ts';

const { values } = parseArgs({ options: { size: { type: 'string' }, capacity: { type: 'string' }, 'max-sessions': { type: 'string' }, 'sessions-per-minute': { type: 'string' } } });
const size = Math.min(Number(values.size ?? 100_000), BULK.domains * BULK.mailboxes);
const POSTFIX_LOG = join(import.meta.dirname, '../world/.run/logs/postfix.log');

const emails: string[] = [];
const perDomain = Math.ceil(size / BULK.domains);
for (let k = 0; k < size; k++) {
  const domain = bulkDomain(Math.floor(k / perDomain));
  const j = k % perDomain;
  emails.push(j % 10 === 9 ? `missing${j}@${domain}` : `${bulkMailbox(j)}@${domain}`);
}

const env = worldEnv(tempDb(), {
  BZ_SMTP_MAX_SESSIONS: values['max-sessions'] ?? '2',
  BZ_SMTP_SESSIONS_PER_MINUTE: values['sessions-per-minute'] ?? '100000',
});
const agent = addAgent(env, 'bulk');
const edge = await startEdge(env);
const prober = startProber(env, edge.agentUrl, agent, Number(values.capacity ?? 32));
const logStart = statSync(POSTFIX_LOG).size;
const client = jobClient(edge.url, PROCESS_KEY);

try {
  const started = performance.now();
  const id = await client.submit(emails);
  const uploaded = performance.now();
  process.stdout.write(`${size} addresses over ${Math.ceil(size / perDomain)} domains; upload ${((uploaded - started) / 1000).toFixed(1)} s\n`);
  const marks = [0.1, 0.5, 1].map((f) => Math.round(f * size));
  const final = await waitForJob(client, id, {
    limitMs: 60 * 60_000,
    pollMs: 250,
    onProgress: (r) => {
      while (marks.length > 0 && r.done >= marks[0]!) {
        const e = memoryOf(edge.child.pid!);
        const p = memoryOf(prober.child.pid!);
        const s = (performance.now() - started) / 1000;
        process.stdout.write(`${String(marks.shift()).padStart(7)} done at ${s.toFixed(1)} s (${(r.done / s).toFixed(0)}/s): edge RSS ${e.rssMb.toFixed(0)} MB (peak ${e.peakMb.toFixed(0)}), prober RSS ${p.rssMb.toFixed(0)} MB (peak ${p.peakMb.toFixed(0)})\n`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const sessions = readFileSync(POSTFIX_LOG, 'utf8').slice(logStart).split('\n').filter((l) => /postfix-bulk\/smtpd\[\d+\]: connect from/.test(l)).length;
  const metrics = await client.metrics();
  const reported = /^bouncezero_smtp_sessions_total (\d+)/m.exec(metrics)?.[1] ?? 'absent';
  process.stdout.write(`${final.status}: ${final.done}/${final.total} in ${seconds.toFixed(1)} s = ${(final.done / seconds).toFixed(0)} addresses/s; counts ${JSON.stringify(final.counts)}\n`);
  process.stdout.write(`SMTP sessions at the bulk listener (postfix log): ${sessions} = ${(sessions / size).toFixed(3)} per address; /metrics bouncezero_smtp_sessions_total: ${reported}\n`);
} finally {
  await prober.kill('SIGTERM');
  await edge.kill('SIGTERM');
}
process.exit(0);

/**
 * The edge's CPU per result of a bulk job, on the path from a prober's result frame to the
 * stored answer: parseFrame, the job runner's settle (scoring, evidence), the item updates, the
 * result-cache writes and the job's completion, on a real SQLite file (WAL) as `bouncezero start`
 * opens it. DNS is scripted (another bench's matter). Each round is a fresh store and a job of
 * 1,000 addresses over 200 domains whose answers carry a realistic SMTP transcript and come back
 * spread over ~30 moments, as the realistic bench's do. CPU time of this process, median of the rounds.
 *
 *   npx tsx test/bench/results-path.ts [rounds]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../edge/adapters/sqlite-node.ts';
import { parseFrame, PROTOCOL_VERSION, type ProbeResult, type ProbeTask, type SmtpCheck, type TranscriptLine } from '../../protocol/index.ts';
import { jobsHarness, plan } from '../unit/jobs/jobs-harness.ts';
import { cpuMsSince, measuredRounds } from './cpu-rounds.ts';

const rounds = Number(process.argv[2] ?? 3);
const DOMAINS = 200;
const PER_DOMAIN = 5;
const MOMENTS = 30;

/** One session's transcript as the prober records it (STARTTLS, EHLO twice), then MAIL and RCPT. */
function transcript(domain: string, address: string): TranscriptLine[] {
  const ehlo = ['250-mx.realistic.test', '250-PIPELINING', '250-SIZE 10240000', '250-ENHANCEDSTATUSCODES', '250-8BITMIME', '250 SMTPUTF8'];
  const lines: [number, 'c' | 's' | 'i', string][] = [
    [2, 'i', `connected to 127.0.2.1:25 (mx.${domain})`],
    [67, 's', '220 mx.realistic.test ESMTP Postfix'],
    [67, 'c', 'EHLO prober.realistic.test'],
    ...ehlo.slice(0, 3).map((t): [number, 's', string] => [220, 's', t]),
    [220, 's', '250-STARTTLS'],
    ...ehlo.slice(3).map((t): [number, 's', string] => [220, 's', t]),
    [220, 'c', 'STARTTLS'],
    [301, 's', '220 2.0.0 Ready to start TLS'],
    [372, 'i', 'TLS established'],
    [372, 'c', 'EHLO prober.realistic.test'],
    ...ehlo.map((t): [number, 's', string] => [509, 's', t]),
    [510, 'c', 'MAIL FROM:<verify@prober.realistic.test>'],
    [734, 's', '250 2.1.0 Ok'],
    [510, 'c', `RCPT TO:<${address}>`],
    [734, 's', '250 2.1.5 Ok'],
  ];
  return lines.map(([at_ms, dir, text]) => ({ at_ms, dir, text }));
}

function resultFrame(task: ProbeTask): string {
  const results = task.addresses.map((a) => {
    const smtp: SmtpCheck = {
      outcome: 'accepted',
      reason: 'accepted',
      mx_host: `mx.${task.domain}`,
      mx_address: '127.0.2.1',
      reply: { code: 250, enhanced: '2.1.5', lines: ['2.1.5 Ok'] },
      tls: true,
      transcript: transcript(task.domain, a.address),
    };
    return { id: a.id, address: a.address, smtp, signals: [] };
  });
  const result: ProbeResult = { task_id: task.id, domain: task.domain, results, catch_all: { status: 'no', cached: false, mx_host: `mx.${task.domain}` }, stats: { connections: 1, commands: 8, round_trips: 6 } };
  return JSON.stringify({ type: 'result', v: PROTOCOL_VERSION, result });
}

async function round(n: number): Promise<number> {
  const domains = Array.from({ length: DOMAINS }, (_, i) => `shop${String(i).padStart(3, '0')}.r${n}.test`);
  const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'bz-bench-results-')), 'bz.db'));
  // What the prober does (building the frame's text) is not the edge's CPU: it is timed and taken off.
  let proberCpu = 0;
  const h = await jobsHarness({
    store,
    plans: Object.fromEntries(domains.map((d) => [d, plan(d)])),
    answer: (task) => {
      const started = process.cpuUsage();
      const text = resultFrame(task);
      proberCpu += cpuMsSince(started);
      const moment = domains.indexOf(task.domain) % MOMENTS;
      return new Promise((resolve) =>
        setTimeout(() => {
          const parsed = parseFrame(text);
          if (!parsed.ok || parsed.frame.type !== 'result') throw new Error(`bad frame: ${JSON.stringify(parsed)}`);
          resolve({ ok: true, result: parsed.frame.result, agent_id: 'agent-0' });
        }, 20 * moment),
      );
    },
  });
  const list = domains.flatMap((d) => Array.from({ length: PER_DOMAIN }, (_, i) => `user${i}@${d}`));
  const id = await h.create(JSON.stringify(list), 'application/json');
  const started = process.cpuUsage();
  await h.run();
  const ms = cpuMsSince(started) - proberCpu;
  const status = await h.status(id);
  if (status.status !== 'completed' || status.done !== list.length) throw new Error(`job not done: ${JSON.stringify(status)}`);
  await h.runner.stop();
  await store.db.destroy();
  return (ms * 1000) / list.length;
}

await measuredRounds('CPU ms per 1,000 results', rounds, round);

import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { sleep, systemClock, type Clock } from '../protocol/index.ts';
import type { EdgeClient, JobOptions } from './edge-client.ts';
import { progressLine, type JobProgress } from './progress-line.ts';

export interface FileRunIo {
  stderr: { write(text: string): unknown; isTTY?: boolean };
  clock?: Clock;
  /** Milliseconds between status polls; STATUS_POLL_MS when absent. */
  pollMs?: number;
}

/**
 * How long to wait before asking a job's status again, whatever its size: a status reads the
 * job's tally (edge/jobs/job-tally.ts), a dozen rows for a million addresses as for ten, and the
 * end of a job is seen within this.
 */
const STATUS_POLL_MS = 500;

/**
 * `verify --file in.csv --out out.csv`: streams the file to the edge as a job, follows it with a
 * progress bar (a TTY) or progress lines (a pipe, a log), then streams the results to `out`:
 * the input columns plus the result columns of the export (edge/jobs/export-row.ts).
 */
export async function verifyFile(client: EdgeClient, file: string, out: string, io: FileRunIo, job: JobOptions = {}): Promise<number> {
  const clock = io.clock ?? systemClock;
  const created = await client.createJob(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, job);
  if (!created.ok) {
    io.stderr.write(`the edge refused ${file}: ${created.error}\n`);
    return 1;
  }
  const report = reporter(io.stderr);
  for (;;) {
    const status = await client.job(created.id);
    if (!status.ok) {
      report.end();
      io.stderr.write(`lost job ${created.id}: ${status.error}\n`);
      return 1;
    }
    report.show(status.job);
    if (status.job.status === 'completed' || status.job.status === 'cancelled') {
      report.end();
      const counts = Object.entries(status.job.counts).map(([verdict, n]) => `${verdict} ${n}`).join(', ');
      io.stderr.write(`job ${created.id} ${status.job.status}: ${status.job.total} addresses (${counts})\n`);
      break;
    }
    await sleep(clock, io.pollMs ?? STATUS_POLL_MS);
  }
  const results = await client.results(created.id, 'csv');
  if (!results.ok) {
    io.stderr.write(`cannot read the results: ${results.error}\n`);
    return 1;
  }
  await results.body.pipeTo(Writable.toWeb(createWriteStream(out)));
  io.stderr.write(`wrote ${out}\n`);
  return 0;
}

/** A redrawn bar on a TTY; elsewhere a plain line at each tenth of the way (and at the end). */
function reporter(stderr: FileRunIo['stderr']) {
  let lastTenth = -1;
  let drawn = false;
  return {
    show(p: JobProgress) {
      const line = progressLine(p);
      if (stderr.isTTY) {
        stderr.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(p.progress * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stderr.write(`${line}\n`);
      }
    },
    end() {
      if (drawn) stderr.write('\n');
      drawn = false;
    },
  };
}

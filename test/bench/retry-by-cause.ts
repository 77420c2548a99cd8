/**
 * The time from upload to the last result for a list that mixes greylisting with dead and
 * broken mail servers (test/support/mixed-mx-fleet.ts: greylister, tarpit, refuser, resetter,
 * garbage speaker, all in process on loopback), with the production retry policy and prober
 * timeouts. Only the greylisting delay is chosen: `npx tsx test/bench/retry-by-cause.ts [GREYLIST_S] [DOMAINS_PER_KIND]`
 * (defaults 60 and 4). Prints the figure and what each kind of server cost.
 */
import { mixedFleet } from '../support/mixed-mx-fleet.ts';

const greylistS = Number(process.argv[2] ?? 60);
const domainsPer = Number(process.argv[3] ?? 4);
const fleet = await mixedFleet({ domainsPer, greylistS, runner: {}, timeouts: {} });
await fleet.start();
const { app, auth, list } = fleet;
const started = Date.now();
const res = await app.request('/v1/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(list.map((l) => l.email)) });
const { id } = (await res.json()) as { id: string };
let status: { status: string; done: number; total: number } = { status: 'queued', done: 0, total: list.length };
let last = -1;
while (status.status !== 'completed') {
  await new Promise((r) => setTimeout(r, 250));
  status = (await (await app.request(`/v1/jobs/${id}`, { headers: auth })).json()) as typeof status;
  if (status.done !== last) process.stderr.write(`  ${((Date.now() - started) / 1000).toFixed(1)} s: ${status.done}/${status.total}\n`);
  last = status.done;
}
const seconds = (Date.now() - started) / 1000;
const rows = (await (await app.request(`/v1/jobs/${id}/results?format=json`, { headers: auth })).json()) as { email: string; verdict: string; reason: string; cause: string | null }[];
const tally = new Map<string, number>();
for (const [i, r] of rows.entries()) {
  const key = `${list[i]!.behaviour}: ${r.verdict}/${r.reason}${r.cause ? ` (${r.cause})` : ''}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
}
console.log(`${list.length} addresses on ${domainsPer * 5} domains (greylisting ${greylistS} s; tarpit, refused, reset, garbage servers), production retry policy and SMTP timeouts`);
console.log(`upload to last result: ${seconds.toFixed(1)} s (greylisting delay + ${(seconds - greylistS).toFixed(1)} s)`);
for (const [key, n] of [...tally].sort()) console.log(`  ${key}: ${n}`);
await fleet.close();

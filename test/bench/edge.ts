import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { openSqlite, sqliteStore } from '../../edge/adapters/sqlite-node.ts';
import { edgeServices } from '../../edge/compose/edge-services.ts';
import { loadConfig } from '../../edge/config.ts';
import { createAgentHub } from '../../edge/dispatch/agent-hub.ts';
import { createKyselyAgentStore } from '../../edge/dispatch/kysely-agent-store.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { createMxResolver } from '../../edge/dns/create-mx-resolver.ts';
import { EdgeMetrics } from '../../edge/metrics/edge-metrics.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';
import { ALLOW_NETS, DNS } from '../world/world.ts';

/**
 * Edge HTTP throughput on loopback: `npx tsx test/bench/edge.ts` (the test world's DoH must be
 * up: the cached address is resolved once through it). The servers run in a child process so
 * autocannon's own work does not share their event loop. Measured beside a bare Hono handler
 * that parses the same JSON body, so the ratio shows what the API layer costs.
 */
const KEY = 'bench-key-0123456789abcdefghijklmnopq';
const CACHED = 'alice@nullmx.test';
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 32;

async function startServers(): Promise<void> {
  const loaded = loadConfig({ BZ_DOH: DNS.doh, BZ_ALLOW_NETS: ALLOW_NETS, BZ_API_KEY: KEY, BZ_DB: ':memory:', BZ_RATE_LIMIT_RPS: '0' });
  const nets = parseCidrList(ALLOW_NETS);
  if (!loaded.ok || !nets.ok) throw new Error('bench config');
  const db = await openSqlite(':memory:');
  const { app } = edgeServices({
    config: loaded.config,
    store: sqliteStore(db),
    resolver: createMxResolver({ endpoints: loaded.config.doh, allowNets: nets.nets }),
    dispatcher: createAgentHub({ store: createKyselyAgentStore(db) }),
    clock: systemClock,
    random: systemRandom,
    metrics: new EdgeMetrics(),
    connInfo: getConnInfo,
  });
  const warm = await app.request('/v1/verify', {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: CACHED }),
  });
  const warmed = (await warm.json()) as { reason?: string };
  if (warmed.reason !== 'null_mx') throw new Error(`warm-up answered ${JSON.stringify(warmed)}; is the test world up?`);

  const bare = new Hono().post('/v1/verify', async (c) => c.json({ email: ((await c.req.json()) as { email: string }).email, verdict: 'unknown' }));
  const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
    new Promise<ServerType>((resolve) => {
      const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(server));
    });
  const port = (s: ServerType) => (s.address() as { port: number }).port;
  const [edge, plain] = await Promise.all([listen(app.fetch), listen(bare.fetch)]);
  process.stdout.write(`${JSON.stringify({ edge: port(edge), bare: port(plain) })}\n`);
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(name: string, port: number, email: string): Promise<Figures> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/v1/verify`,
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const ports = JSON.parse(first) as { edge: number; bare: number };
    const runs = [
      await load('bare Hono handler', ports.bare, CACHED),
      await load('/v1/verify cached', ports.edge, CACHED),
      await load('/v1/verify invalid syntax', ports.edge, 'not an address'),
    ];
    const bare = runs[0]!.rps;
    console.log(`edge bench: ${CONNECTIONS} connections, ${DURATION_S} s each, loopback, servers in one child process`);
    for (const f of runs) {
      console.log(
        `${f.name.padEnd(28)} ${Math.round(f.rps).toString().padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  ` +
          `${(f.rps / bare).toFixed(2)}× bare${f.non2xx ? `  (${f.non2xx} non-2xx/errors!)` : ''}`,
      );
    }
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[2] === 'serve') await startServers();
else await main();

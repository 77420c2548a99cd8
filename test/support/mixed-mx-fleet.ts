/**
 * A list that mixes greylisting with dead and broken mail servers, all in this process on
 * loopback ports the OS picks: a greylister (450 with a hinted delay, then 250), a tarpit (takes
 * the connection, never speaks), a refuser (nothing listens), a resetter (RST on connect) and a
 * garbage speaker (not SMTP). The job runs through the real edge services and the real prober
 * engine, dialed through a map from each fake MX address to its server's port. Shared by the
 * integration test (counts) and the bench (the time from upload to the last result).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { edgeServices } from '../../edge/compose/edge-services.ts';
import type { Dispatcher } from '../../edge/dispatch/dispatcher.ts';
import type { RunnerOptions } from '../../edge/jobs/runner-options.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { createNetDialer } from '../../prober/adapters/net-dialer.ts';
import { createTaskRunner } from '../../prober/engine/create-task-runner.ts';
import { HostLimiter } from '../../prober/pool/host-limiter.ts';
import type { Dialer } from '../../prober/smtp/dialer.ts';
import type { SessionTimeouts } from '../../prober/smtp/open-session.ts';
import { systemClock, type MxPlan } from '../../protocol/index.ts';
import { memoryStore, ScriptedResolver, seededRandom, TEST_KEY, testConfig } from '../unit/api/app-harness.ts';
import { sqliteStore } from '../../edge/adapters/sqlite-node.ts';

export type Behaviour = 'greylist' | 'tarpit' | 'refuse' | 'reset' | 'garbage';
export const BEHAVIOURS: readonly Behaviour[] = ['greylist', 'tarpit', 'refuse', 'reset', 'garbage'];

interface FakeMx {
  behaviour: Behaviour;
  port: number;
  connections: number;
  /** RCPT TO commands seen, per address. */
  rcpts: Map<string, number>;
  close(): Promise<void>;
}

/** The mailboxes every greylisting domain has; anything else is 550. */
export const MAILBOXES = ['alice', 'bob'];

async function startFakeMx(behaviour: Behaviour, greylistS: number): Promise<FakeMx> {
  const sockets = new Set<Socket>();
  const firstSeen = new Map<string, number>();
  const mx: FakeMx = { behaviour, port: 0, connections: 0, rcpts: new Map(), close: async () => {} };
  const server: Server = createServer((socket) => {
    mx.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (behaviour === 'reset') return socket.resetAndDestroy();
    if (behaviour === 'garbage') return void socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n\x00\x01\x02 not smtp at all\r\n');
    if (behaviour === 'tarpit') return;
    socket.write('220 mx.greylist.test ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        socket.write(replyTo(line));
      }
    });
  });
  const replyTo = (line: string): string => {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'EHLO' || verb === 'HELO') return '250-mx.greylist.test\r\n250 PIPELINING\r\n';
    if (verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') return '250 2.0.0 OK\r\n';
    if (verb === 'QUIT') return '221 2.0.0 Bye\r\n';
    if (verb !== 'RCPT') return '502 5.5.2 Command not recognized\r\n';
    const address = /<([^>]*)>/.exec(line)?.[1]?.toLowerCase() ?? '';
    mx.rcpts.set(address, (mx.rcpts.get(address) ?? 0) + 1);
    if (!MAILBOXES.includes(address.split('@')[0] ?? '')) return '550 5.1.1 User unknown\r\n';
    const first = firstSeen.get(address);
    if (first === undefined) firstSeen.set(address, Date.now());
    if (first === undefined || Date.now() - first < greylistS * 1000) return `450 4.2.0 Greylisted, try again in ${greylistS} seconds\r\n`;
    return '250 2.1.5 OK\r\n';
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  mx.port = (server.address() as { port: number }).port;
  mx.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  // Nothing listens on a refuser's port: it was the OS's for a moment and is free again.
  if (behaviour === 'refuse') await mx.close();
  return mx;
}

/** Each fake MX address (127.0.1.N) reaches its server's port on 127.0.0.1. */
function mappedDialer(ports: Map<string, number>): Dialer {
  const net = createNetDialer();
  return { dial: (address, _port, options) => net.dial('127.0.0.1', ports.get(address) ?? 9, options) };
}

function planFor(domain: string, address: string): MxPlan {
  return { domain, rule: 'mx', hosts: [{ host: `mx.${domain}`, preference: 10, addresses: [address], refused: [] }], ttl: 300, records: [], cnames: [] };
}

export interface MixedFleet {
  /** Every address of the list, with the behaviour of its domain's server. */
  list: { email: string; behaviour: Behaviour }[];
  servers: Map<Behaviour, FakeMx[]>;
  app: ReturnType<typeof edgeServices>['app'];
  store: Awaited<ReturnType<typeof memoryStore>>;
  auth: { authorization: string };
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `domainsPer` domains per behaviour, each with MAILBOXES plus one address that does not exist.
 * `runner` and `timeouts` set the retry schedule and the prober's patience (short in tests).
 */
export async function mixedFleet(options: { domainsPer: number; greylistS: number; runner: Partial<RunnerOptions>; timeouts: Partial<SessionTimeouts> }): Promise<MixedFleet> {
  const servers = new Map<Behaviour, FakeMx[]>();
  const ports = new Map<string, number>();
  const plans: Record<string, MxPlan> = {};
  const list: MixedFleet['list'] = [];
  let n = 0;
  for (const behaviour of BEHAVIOURS) {
    for (let d = 0; d < options.domainsPer; d++) {
      const mx = await startFakeMx(behaviour, options.greylistS);
      servers.set(behaviour, [...(servers.get(behaviour) ?? []), mx]);
      const address = `127.0.1.${++n}`;
      const domain = `${behaviour}${d}.test`;
      ports.set(address, mx.port);
      plans[domain] = planFor(domain, address);
      for (const local of [...MAILBOXES, 'nobody']) list.push({ email: `${local}@${domain}`, behaviour });
    }
  }
  const nets = parseCidrList('127.0.0.0/8');
  if (!nets.ok) throw new Error(nets.error);
  const probe = createTaskRunner({
    dialer: mappedDialer(ports),
    heloName: 'prober.bench.test',
    allowNets: nets.nets,
    timeouts: options.timeouts,
    limiter: new HostLimiter(systemClock, { maxPerMinute: 100_000 }),
  });
  // The prober engine called in process: the WebSocket between edge and prober is not what this measures.
  const dispatcher: Dispatcher = {
    submit: async (task, opts) => ({ ok: true, result: await probe(task, opts?.signal), agent_id: 'local' }),
    agents: () => [],
    healthyCount: () => 1,
  };
  const store = await memoryStore();
  const { app, jobs } = edgeServices({ config: testConfig(), store: sqliteStore(store), resolver: new ScriptedResolver(plans), dispatcher, clock: systemClock, random: seededRandom(), runner: options.runner });
  return {
    list,
    servers,
    app,
    store,
    auth: { authorization: `Bearer ${TEST_KEY}` },
    start: () => jobs.runner.start(),
    close: async () => {
      await jobs.runner.stop();
      for (const group of servers.values()) for (const mx of group) if (mx.behaviour !== 'refuse') await mx.close();
      await store.destroy();
    },
  };
}

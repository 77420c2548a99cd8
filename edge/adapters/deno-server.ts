import type { GetConnInfo } from 'hono/conninfo';
import { systemClock, systemRandom } from '../../protocol/index.ts';
import { composeEdge } from '../compose/compose-edge.ts';
import type { Config } from '../config.ts';
import { jsonLineLog } from '../dispatch/hub-log.ts';
import { PreauthGate } from '../dispatch/preauth-gate.ts';
import { originAllowed } from '../dispatch/upgrade-origin.ts';
import { webAgentSocket } from '../dispatch/web-agent-socket.ts';
import { denoPinnedFetch, type DenoNet } from './pinned-fetch-deno.ts';
import { openDenoSqliteStore } from './sqlite-deno.ts';

export const AGENT_WS_PATH = '/v1/agents/ws';

/** The part of Deno's namespace this adapter uses (the project type-checks with Node's types). */
interface DenoAddr {
  hostname: string;
  port: number;
}
interface DenoApi extends DenoNet {
  serve(
    options: { hostname: string; port: number; cert?: string; key?: string; onListen?: (addr: DenoAddr) => void },
    handler: (request: Request, info: { remoteAddr: DenoAddr }) => Response | Promise<Response>,
  ): { addr: DenoAddr; shutdown(): Promise<void>; finished: Promise<void> };
  upgradeWebSocket(request: Request): { socket: WebSocket; response: Response };
}

export interface DenoEdge {
  url: string;
  agentUrl: string;
  close(): Promise<void>;
}

/** The caller's address, as Deno.serve hands it to the app's fetch. */
const denoConnInfo: GetConnInfo = (c) => ({ remote: { address: (c.env as { remoteAddr: DenoAddr }).remoteAddr.hostname } });

/**
 * The edge on Deno: the store on Deno's built-in SQLite, the services composed once
 * (composeEdge, as on Node), and Deno.serve for the API, the page, the jobs and the agents'
 * WebSocket (Deno.upgradeWebSocket on GET /v1/agents/ws).
 */
export async function startDenoEdge(options: { config: Config; tls?: { cert: string; key: string } }): Promise<DenoEdge> {
  const deno = (globalThis as unknown as { Deno: DenoApi }).Deno;
  const { config } = options;
  const store = await openDenoSqliteStore(config.db);
  const { db } = store;
  const { app, hub, jobs } = composeEdge({ config, store, clock: systemClock, random: systemRandom, connInfo: denoConnInfo, webhookFetch: denoPinnedFetch(deno) });
  const gate = new PreauthGate();
  const log = jsonLineLog;

  const upgrade = (request: Request, address: string): Response => {
    if (!originAllowed(request.headers.get('origin') ?? undefined, request.headers.get('host') ?? undefined)) {
      log('agent_refused', { reason: 'foreign_origin', address });
      return new Response(null, { status: 403 });
    }
    const seat = gate.admit(address);
    if (!seat.ok) {
      log('agent_refused', { reason: seat.reason, address });
      return new Response(null, { status: seat.reason === 'too_many_from_address' ? 429 : 503 });
    }
    const { socket, response } = deno.upgradeWebSocket(request);
    socket.addEventListener('close', () => seat.release(), { once: true });
    socket.addEventListener('error', () => log('agent_socket_error', { address }));
    // The hub speaks first (its challenge): it gets the socket once the handshake is answered.
    socket.addEventListener('open', () => hub.accept(webAgentSocket(socket, address, { onAuthenticated: seat.release })), { once: true });
    return response;
  };

  let bound: DenoAddr = { hostname: config.host, port: config.port };
  const server = deno.serve(
    { hostname: config.host, port: config.port, ...(options.tls ?? {}), onListen: (addr) => void (bound = addr) },
    (request, info) => {
      const address = info.remoteAddr.hostname;
      if (request.headers.get('upgrade')?.toLowerCase() === 'websocket' && new URL(request.url).pathname === AGENT_WS_PATH) return upgrade(request, address);
      return app.fetch(request, { remoteAddr: info.remoteAddr });
    },
  );
  bound = server.addr;
  await jobs.runner.start();
  jobs.webhooks.start();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const secure = options.tls !== undefined;
  return {
    url: `${secure ? 'https' : 'http'}://${host}:${bound.port}`,
    agentUrl: `${secure ? 'wss' : 'ws'}://${host}:${bound.port}${AGENT_WS_PATH}`,
    async close() {
      await jobs.runner.stop();
      await jobs.webhooks.stop();
      hub.close();
      await server.shutdown();
      await db.destroy();
    },
  };
}

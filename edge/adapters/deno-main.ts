/**
 * The edge as a Deno program: `deno run -A edge/adapters/deno-main.ts`. Settings come from the
 * environment (BZ_PORT, BZ_DB, BZ_DOH, BZ_TLS_* …, as for `bouncezero edge`); once it listens,
 * one JSON line on stdout names its URLs. SIGINT or SIGTERM stops the jobs' work and exits.
 */
import { loadConfig } from '../config.ts';
import { startDenoEdge } from './deno-server.ts';

interface DenoProcess {
  env: { toObject(): Record<string, string> };
  readTextFileSync(path: string): string;
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
}

const deno = (globalThis as unknown as { Deno: DenoProcess }).Deno;
const loaded = loadConfig(deno.env.toObject());
if (loaded.ok) {
  const files = loaded.config.tls;
  const tls = files ? { cert: deno.readTextFileSync(files.certFile), key: deno.readTextFileSync(files.keyFile) } : undefined;
  const edge = await startDenoEdge({ config: loaded.config, ...(tls ? { tls } : {}) });
  console.log(JSON.stringify({ event: 'edge_listening', url: edge.url, agent_url: edge.agentUrl, runtime: 'deno' }));
  const stop = () => void edge.close().then(() => deno.exit(0));
  deno.addSignalListener('SIGINT', stop);
  deno.addSignalListener('SIGTERM', stop);
} else {
  console.error(loaded.error);
  deno.exit(2);
}

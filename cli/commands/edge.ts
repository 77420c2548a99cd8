import { readFile } from 'node:fs/promises';
import { startEdgeServer, type EdgeServer } from '../../edge/adapters/node-server.ts';
import { loadConfig, type Config } from '../../edge/config.ts';

/** BZ_TLS_CERT / BZ_TLS_KEY: PEM files; both set ⇒ https and wss. */
export async function tlsFromEnv(env: Record<string, string | undefined>): Promise<{ ok: true; tls?: { cert: string; key: string } } | { ok: false; error: string }> {
  const certPath = env.BZ_TLS_CERT?.trim();
  const keyPath = env.BZ_TLS_KEY?.trim();
  if (!certPath && !keyPath) return { ok: true };
  if (!certPath || !keyPath) return { ok: false, error: 'BZ_TLS_CERT and BZ_TLS_KEY go together: set both or neither' };
  try {
    return { ok: true, tls: { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') } };
  } catch (error) {
    return { ok: false, error: `cannot read the TLS files: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
}

/** Config and TLS from the environment, or a message for the operator. */
export async function edgeSettings(): Promise<{ ok: true; config: Config; tls?: { cert: string; key: string } } | { ok: false; error: string }> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) return loaded;
  const tls = await tlsFromEnv(process.env);
  if (!tls.ok) return tls;
  return { ok: true, config: loaded.config, ...(tls.tls ? { tls: tls.tls } : {}) };
}

/** Resolves once SIGTERM or SIGINT arrives. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export function announce(server: EdgeServer): void {
  process.stderr.write(`bouncezero edge listening on ${server.url} (agents: ${server.agentUrl})\n`);
}

/** `bouncezero edge`: the edge alone; probers connect from elsewhere. */
export async function run(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write('usage: bouncezero edge   (settings come from BZ_* environment variables)\n');
    return 2;
  }
  const settings = await edgeSettings();
  if (!settings.ok) {
    process.stderr.write(`${settings.error}\n`);
    return 2;
  }
  const server = await startEdgeServer({ config: settings.config, ...(settings.tls ? { tls: settings.tls } : {}) });
  announce(server);
  await untilSignal();
  await server.close();
  return 0;
}

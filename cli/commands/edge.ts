import { readFile } from 'node:fs/promises';
import { startEdgeServer, type EdgeServer } from '../../edge/adapters/node-server.ts';
import { loadConfig, type Config } from '../../edge/config.ts';

/** The PEM files BZ_TLS_CERT / BZ_TLS_KEY name, read once at start. */
async function readTls(files: Config['tls']): Promise<{ ok: true; tls?: { cert: string; key: string } } | { ok: false; error: string }> {
  if (!files) return { ok: true };
  try {
    return { ok: true, tls: { cert: await readFile(files.certFile, 'utf8'), key: await readFile(files.keyFile, 'utf8') } };
  } catch (error) {
    return { ok: false, error: `cannot read the TLS files (BZ_TLS_CERT, BZ_TLS_KEY): ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
}

/** Config and TLS from the environment, or a message for the operator. */
export async function edgeSettings(env: Record<string, string | undefined> = process.env): Promise<{ ok: true; config: Config; tls?: { cert: string; key: string } } | { ok: false; error: string }> {
  const loaded = loadConfig(env);
  if (!loaded.ok) return loaded;
  const tls = await readTls(loaded.config.tls);
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

/**
 * The started edge, or null after one line saying why it could not listen (a busy or privileged
 * port), instead of a stack trace.
 */
export async function listening(starting: Promise<EdgeServer>, config: Config): Promise<EdgeServer | null> {
  try {
    return await starting;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${config.host}:${config.port}`;
    if (code === 'EADDRINUSE') process.stderr.write(`cannot listen on ${where}: the port is in use (set BZ_PORT to another port, or stop what uses it)\n`);
    else if (code === 'EACCES') process.stderr.write(`cannot listen on ${where}: permission denied (ports below 1024 need privileges; set BZ_PORT)\n`);
    else if (code === 'EADDRNOTAVAIL') process.stderr.write(`cannot listen on ${where}: no such local address (BZ_HOST)\n`);
    else throw error;
    return null;
  }
}

/** `bouncezero edge`: the edge alone; probers connect from elsewhere. */
export async function run(): Promise<number> {
  const settings = await edgeSettings();
  if (!settings.ok) {
    process.stderr.write(`${settings.error}\n`);
    return 2;
  }
  const server = await listening(startEdgeServer({ config: settings.config, ...(settings.tls ? { tls: settings.tls } : {}) }), settings.config);
  if (!server) return 1;
  announce(server);
  await untilSignal();
  await server.close();
  return 0;
}

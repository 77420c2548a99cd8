import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import type { TestProject } from 'vitest/node';
import { DNS, LISTENERS } from './world/world.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Whether the world tier runs: the local test world answered, or BZ_WORLD=1 demanded it. */
    worldUp: boolean;
  }
}

export const WORLD_HINT = 'run `npm run test:world` as root (it needs the test world: bash test/world/start.sh)';

/**
 * Vitest's global setup: looks once whether the local test world (test/world/) is up, so
 * the tests that need it run or skip together. BZ_WORLD=1 (`npm run test:world`) makes a
 * missing world a failure instead of a skip; BZ_WORLD=0 skips the world tier even when it is up.
 * BZ_WORLD_DOH / BZ_WORLD_SMTP point the probe elsewhere (to prove the skip on a machine
 * whose world is running).
 */
export default async function probeWorldOnce(project: TestProject): Promise<void> {
  const mode = process.env.BZ_WORLD?.trim();
  const missing = mode === '0' ? 'BZ_WORLD=0' : await worldMissing();
  if (mode === '1' && missing) throw new Error(`BZ_WORLD=1 but the test world is not up (${missing}); start it as root: bash test/world/start.sh`);
  if (missing) console.log(`world tier skipped (${missing}): ${WORLD_HINT}`);
  project.provide('worldUp', missing === null);
}

/** Null when the world's DoH resolver and its first Postfix answer; otherwise what did not. */
async function worldMissing(): Promise<string | null> {
  const doh = process.env.BZ_WORLD_DOH?.trim() || DNS.doh;
  const [host, port] = (process.env.BZ_WORLD_SMTP?.trim() || `${LISTENERS[0]!.address}:25`).split(':') as [string, string];
  const [dohOk, banner] = await Promise.all([dohAnswers(doh), smtpBanner(host, Number(port))]);
  if (!dohOk) return `no DoH answer at ${doh}`;
  if (!banner.startsWith('220')) return `no SMTP banner at ${host}:${port}`;
  return null;
}

/** A wire-format query for `world.test. A` (RFC 8484 GET); any DNS answer counts. */
async function dohAnswers(url: string): Promise<boolean> {
  const query = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'world.test' }] });
  const target = `${url}?dns=${query.toString('base64url')}`;
  try {
    const response = await fetch(target, { headers: { accept: 'application/dns-message' }, signal: AbortSignal.timeout(2_000) });
    return response.ok && (response.headers.get('content-type') ?? '').includes('dns-message');
  } catch {
    return false;
  }
}

function smtpBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let text = '';
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(2_000, done);
    socket.on('error', done);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.includes('\n')) done();
    });
  });
}

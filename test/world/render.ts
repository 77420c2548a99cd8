/**
 * Writes every config of the local test world into a run directory:
 *   npx tsx test/world/render.ts [OUTDIR]   (default test/world/.run)
 * start.sh calls it; the daemons then read only these files, never the system copies.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { renderDantedConf } from './render-dante.ts';
import { renderDnsdistConf, renderNamedConf, type RunPaths } from './render-dns.ts';
import { renderMainCf, type PostfixPaths } from './render-postfix-main.ts';
import { renderPostfixTables } from './render-postfix-maps.ts';
import { renderMasterCf, type TlsFiles } from './render-postfix-master.ts';
import { postgreyArgs } from './render-postgrey.ts';
import { renderZones } from './render-zones.ts';
import { STARTTLS_ADDRESS } from './world.ts';

export function runPaths(root: string): RunPaths {
  return {
    root,
    bindDir: join(root, 'bind'),
    zonesDir: join(root, 'zones'),
    logsDir: join(root, 'logs'),
    pidsDir: join(root, 'pids'),
  };
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function render(root: string): Promise<void> {
  const paths = runPaths(root);
  for (const dir of [paths.bindDir, paths.zonesDir, paths.logsDir, paths.pidsDir]) await mkdir(dir, { recursive: true });

  const zones = renderZones();
  for (const zone of zones) await write(join(paths.zonesDir, zone.fileName), zone.text);
  await write(join(root, 'named.conf'), renderNamedConf(zones, paths));
  await write(join(root, 'dnsdist.conf'), renderDnsdistConf());

  const postfix: PostfixPaths = {
    configDir: join(root, 'postfix'),
    queueDir: join(root, 'postfix-queue'),
    dataDir: join(root, 'postfix-data'),
    logFile: join(paths.logsDir, 'postfix.log'),
  };
  const tls: TlsFiles = {
    address: STARTTLS_ADDRESS,
    certFile: join(postfix.configDir, 'tls', 'cert.pem'),
    keyFile: join(postfix.configDir, 'tls', 'key.pem'),
  };
  await write(join(postfix.configDir, 'main.cf'), renderMainCf(postfix));
  await write(join(postfix.configDir, 'master.cf'), renderMasterCf(tls));
  for (const table of renderPostfixTables()) await write(join(postfix.configDir, table.fileName), table.text);
  await selfSignedCertificate(tls);

  const emptyList = join(root, 'postgrey', 'empty-list');
  await write(emptyList, '');
  await write(join(root, 'postgrey.args'), postgreyArgs(join(root, 'postgrey', 'db'), emptyList).join('\n') + '\n');

  await write(join(root, 'danted.conf'), renderDantedConf(join(paths.logsDir, 'danted.log')));
}

/** Made once per run dir: STARTTLS needs a certificate, and nobody verifies this one. */
async function selfSignedCertificate(tls: TlsFiles): Promise<void> {
  if (existsSync(tls.certFile) && existsSync(tls.keyFile)) return;
  await mkdir(dirname(tls.certFile), { recursive: true });
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', tls.keyFile, '-out', tls.certFile, '-days', '3650',
    '-subj', '/CN=mx1.world.test', '-addext', 'subjectAltName=DNS:mx1.world.test',
  ], { stdio: 'ignore' });
}

const here = dirname(fileURLToPath(import.meta.url));
await render(resolve(process.argv[2] ?? join(here, '.run')));

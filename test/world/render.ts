/**
 * Writes every config of the local test world into a run directory:
 *   npx tsx test/world/render.ts [OUTDIR]   (default test/world/.run)
 * start.sh calls it; the daemons then read only these files, never the system copies.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDnsdistConf, renderNamedConf, type RunPaths } from './render-dns.ts';
import { renderZones } from './render-zones.ts';

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
}

const here = dirname(fileURLToPath(import.meta.url));
await render(resolve(process.argv[2] ?? join(here, '.run')));

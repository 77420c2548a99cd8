import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createBreachFeed } from '../../edge/enrich/breach-feed.ts';
import { importFeed } from '../../edge/enrich/import-feed.ts';
import { withStore } from '../with-store.ts';
import { systemClock } from '../../protocol/index.ts';
import { readLines } from '../read-lines.ts';

const USAGE = `usage: bouncezero breach import FILE [--source NAME]
  FILE holds one entry per line: a hex SHA-256 of a lower-cased address, or an address
  (hashed before it is stored; addresses themselves are never kept). Lines starting with # are skipped.`;

/** `bouncezero breach import FILE`: a local breach feed into the store at BZ_DB. */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { source: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [action, file, ...extra] = parsed.positionals;
  if (action !== 'import' || !file || extra.length) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const stream = createReadStream(file);
  const opened = await new Promise<Error | null>((resolve) => stream.once('open', () => resolve(null)).once('error', resolve));
  if (opened) {
    process.stderr.write(`cannot read ${file}: ${opened.message}\n`);
    return 1;
  }
  return withStore(async (db) => {
    const source = parsed.values.source ?? basename(file);
    const counts = await importFeed(readLines(stream), createBreachFeed(db), source, systemClock.now());
    process.stdout.write(`breach feed "${source}": ${counts.read} lines, ${counts.added} new entries, ${counts.skipped} skipped\n`);
    return 0;
  });
}

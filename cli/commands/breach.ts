import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createBreachFeed } from '../../edge/enrich/breach-feed.ts';
import { importFeed } from '../../edge/enrich/import-feed.ts';
import { withStore } from '../with-store.ts';
import { systemClock } from '../../protocol/index.ts';
import { readLines } from '../read-lines.ts';

/** `bouncezero breach import FILE`: a local breach feed into the store at BZ_DB. */
export async function run(file: string, options: { source?: string }): Promise<number> {
  const stream = createReadStream(file);
  const opened = await new Promise<Error | null>((resolve) => stream.once('open', () => resolve(null)).once('error', resolve));
  if (opened) {
    process.stderr.write(`cannot read ${file}: ${opened.message}\n`);
    return 1;
  }
  return withStore({ create: true }, async (db) => {
    const source = options.source ?? basename(file);
    const counts = await importFeed(readLines(stream), createBreachFeed(db), source, systemClock.now());
    process.stdout.write(`breach feed "${source}": ${counts.read} lines, ${counts.added} new entries, ${counts.skipped} skipped\n`);
    return 0;
  });
}

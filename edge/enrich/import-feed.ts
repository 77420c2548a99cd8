import { feedEntry, type BreachFeed } from './breach-feed.ts';

export interface FeedImport {
  read: number;
  added: number;
  skipped: number;
}

/** Imports a feed line by line in batches, so a feed of any size passes in constant memory. */
export async function importFeed(lines: AsyncIterable<string>, feed: BreachFeed, source: string, now: number): Promise<FeedImport> {
  const counts: FeedImport = { read: 0, added: 0, skipped: 0 };
  let batch: string[] = [];
  for await (const line of lines) {
    counts.read++;
    const hash = await feedEntry(line);
    if (hash === null) counts.skipped++;
    else batch.push(hash);
    if (batch.length >= 5000) {
      counts.added += await feed.add(batch, source, now);
      batch = [];
    }
  }
  if (batch.length) counts.added += await feed.add(batch, source, now);
  return counts;
}

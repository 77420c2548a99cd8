/** A job with due work, and whose it is (the principal, i.e. API key, that made it). */
export interface DueJob {
  id: string;
  owner: string;
}

/**
 * How many of `limit` claims each job gets: an equal share per owner first, then per job of
 * that owner, so a key with one small job is not crowded out by a key with a huge one (or many).
 * When `limit` does not go round, `turn` rotates who gets the odd ones, so no one waits forever.
 */
export function fairShares(jobs: readonly DueJob[], limit: number, turn = 0): Map<string, number> {
  const owners = new Map<string, string[]>();
  for (const job of jobs) owners.set(job.owner, [...(owners.get(job.owner) ?? []), job.id]);
  const shares = new Map<string, number>();
  const perOwner = split(limit, owners.size, turn);
  [...owners.values()].forEach((ids, i) => {
    const perJob = split(perOwner[i]!, ids.length, turn);
    ids.forEach((id, j) => {
      if (perJob[j]! > 0) shares.set(id, perJob[j]!);
    });
  });
  return shares;
}

/** `total` split into `parts` near-equal whole shares; the larger ones start at `turn`. */
function split(total: number, parts: number, turn: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + ((i - turn % parts + parts) % parts < extra ? 1 : 0));
}

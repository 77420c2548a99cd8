import type { Random } from '../../protocol/index.ts';

export interface MxTarget {
  host: string;
  preference: number;
}

/**
 * RFC 5321 §5.1: lowest preference first; hosts of equal preference in random order, so load
 * spreads as the domain intended. A host listed twice keeps its best preference.
 */
export function orderMx(targets: readonly MxTarget[], random: Random): MxTarget[] {
  const best = new Map<string, number>();
  for (const t of targets) best.set(t.host, Math.min(t.preference, best.get(t.host) ?? Infinity));
  const byPreference = new Map<number, string[]>();
  for (const [host, preference] of best) byPreference.set(preference, [...(byPreference.get(preference) ?? []), host]);
  return [...byPreference.keys()]
    .sort((a, b) => a - b)
    .flatMap((preference) => shuffle(byPreference.get(preference) ?? [], random).map((host) => ({ host, preference })));
}

function shuffle<T>(items: T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** CPU ms (user + system) of this process since `started`, a process.cpuUsage() reading. */
export function cpuMsSince(started: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(started);
  return (user + system) / 1000;
}

/** The middle figure (the upper of the two middle ones for an even count). */
export function median(figures: readonly number[]): number {
  return [...figures].sort((a, b) => a - b)[Math.floor(figures.length / 2)]!;
}

/**
 * Two warm-up rounds (the first ones pay for JIT and module loading, which a running edge has
 * paid long ago), then `rounds` measured ones, numbered from 1; prints each figure and their median.
 */
export async function measuredRounds(what: string, rounds: number, round: (n: number) => Promise<number>, digits = 0): Promise<void> {
  for (const warm of [-1, 0]) await round(warm);
  const figures: number[] = [];
  for (let n = 1; n <= rounds; n++) figures.push(await round(n));
  console.log(`${what}: ${figures.map((f) => f.toFixed(digits)).join(', ')} (median ${median(figures).toFixed(digits)})`);
}

/** Rows one statement deletes at most (about 20 ms of SQLite's time). */
export const DELETE_CHUNK = 2_000;

/**
 * Runs `step`, which deletes at most `limit` rows and says how many, until it deletes fewer. A
 * SQLite statement runs to its end on the edge's one thread, and deleting a million-row job in
 * one held every request and agent for about 9 s; between chunks they get their turn.
 */
export async function deleteInChunks(step: (limit: number) => Promise<bigint | number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = Number(await step(DELETE_CHUNK));
    total += deleted;
    if (deleted < DELETE_CHUNK) return total;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * Writes asked for before the next macrotask, done as one: a bulk job's answers arrive a few
 * per I/O event from hundreds of domains, and a statement or transaction each was most of the
 * edge's SQLite time (a commit costs more than the rows in it). `write` gets every caller's
 * items in order and may answer one value per item; each caller's promise settles when the
 * whole batch is written, with its own items' values, or with the batch's error.
 */
export function batchedWrites<T, R = void>(write: (items: T[]) => Promise<R[] | void>): (items: readonly T[]) => Promise<R[]> {
  let batch: { items: T[]; written: Promise<R[] | void> } | null = null;
  return async (items) => {
    if (items.length === 0) return [];
    if (!batch) {
      const next: { items: T[]; written: Promise<R[] | void> } = {
        items: [],
        // setTimeout, not the injected clock: this is "after the events at hand", not a wait in time.
        written: new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
          batch = null;
          return write(next.items);
        }),
      };
      batch = next;
    }
    const from = batch.items.length;
    batch.items.push(...items);
    const values = await batch.written;
    return values ? values.slice(from, from + items.length) : [];
  };
}

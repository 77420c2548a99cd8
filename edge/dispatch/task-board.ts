import type { ProbeTask } from '../../protocol/index.ts';

/** What the board needs to know of a connected agent to give it work. */
export interface Seat {
  /** One per connection: a reconnected agent is a new seat. */
  key: string;
  agentId: string;
  capacity: number;
  /** Task ids this seat is running, including ones already answered by another seat. */
  inFlight: Set<string>;
  /** Authenticated, not draining, port 25 not known blocked, heartbeating. */
  accepting(): boolean;
}

export interface Entry {
  task: ProbeTask;
  /** The seat that holds the task now; undefined while it waits. */
  holder?: string;
  /** How many times it was handed out. */
  handouts: number;
  /** Agents it was ever handed to: the only ones whose result is taken. */
  agents: Set<string>;
}

/** Idle domain bindings are forgotten past this many, so a long-running edge stays small. */
const MAX_STICKY = 50_000;

/**
 * The queue, the in-flight bookkeeping and the routing rule, without I/O: a domain sticks to
 * the seat that first took it while that seat is connected (per-server politeness, session
 * reuse); other domains go to the seat with the lowest load relative to its capacity; no seat
 * ever holds more tasks than its capacity. Waiting tasks are taken in order, but a task whose
 * seat is full does not hold back the ones behind it.
 */
export class TaskBoard {
  readonly entries = new Map<string, Entry>();
  private waiting: string[] = [];
  private sticky = new Map<string, string>();

  add(task: ProbeTask): Entry {
    const entry: Entry = { task, handouts: 0, agents: new Set() };
    this.entries.set(task.id, entry);
    this.waiting.push(task.id);
    return entry;
  }

  /** Takes a task out for good (answered or given up); returns its holder, if any. */
  remove(taskId: string): Entry | undefined {
    const entry = this.entries.get(taskId);
    if (!entry) return undefined;
    this.entries.delete(taskId);
    if (entry.holder === undefined) this.waiting = this.waiting.filter((id) => id !== taskId);
    return entry;
  }

  /** A seat went away: its tasks wait again, ahead of newer work, and its domains are free. */
  release(seat: Seat): string[] {
    const back: string[] = [];
    for (const taskId of seat.inFlight) {
      const entry = this.entries.get(taskId);
      if (entry?.holder === seat.key) {
        entry.holder = undefined;
        back.push(taskId);
      }
    }
    seat.inFlight.clear();
    this.waiting = [...back, ...this.waiting];
    for (const [domain, key] of this.sticky) if (key === seat.key) this.sticky.delete(domain);
    return back;
  }

  /** Hands out every waiting task that can go somewhere now. */
  assign(seats: Seat[]): { entry: Entry; seat: Seat }[] {
    const byKey = new Map(seats.map((s) => [s.key, s]));
    const out: { entry: Entry; seat: Seat }[] = [];
    const still: string[] = [];
    for (const taskId of this.waiting) {
      const entry = this.entries.get(taskId);
      if (!entry) continue;
      const seat = this.pick(entry.task.domain, seats, byKey);
      if (!seat) {
        still.push(taskId);
        continue;
      }
      entry.holder = seat.key;
      entry.handouts++;
      entry.agents.add(seat.agentId);
      seat.inFlight.add(taskId);
      this.bind(entry.task.domain, seat.key);
      out.push({ entry, seat });
    }
    this.waiting = still;
    return out;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  private pick(domain: string, seats: Seat[], byKey: Map<string, Seat>): Seat | undefined {
    const bound = byKey.get(this.sticky.get(domain) ?? '');
    if (bound?.accepting()) return hasRoom(bound) ? bound : undefined;
    let best: Seat | undefined;
    for (const seat of seats) {
      if (!seat.accepting() || !hasRoom(seat)) continue;
      if (!best || load(seat) < load(best)) best = seat;
    }
    return best;
  }

  private bind(domain: string, key: string): void {
    this.sticky.set(domain, key);
    if (this.sticky.size <= MAX_STICKY) return;
    const busy = new Set([...this.entries.values()].map((e) => e.task.domain));
    for (const d of this.sticky.keys()) if (!busy.has(d)) this.sticky.delete(d);
  }
}

function hasRoom(seat: Seat): boolean {
  return seat.inFlight.size < seat.capacity;
}

function load(seat: Seat): number {
  return seat.inFlight.size / seat.capacity;
}

import { mailProviderOf, type ProbeTask } from '../../protocol/index.ts';
import { mxKeyOf } from './mx-key.ts';

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
  /** Providers its prober backs off from (they refused its IP), and until when on the edge's clock. */
  heldOff: Map<string, number>;
}

export interface Entry {
  task: ProbeTask;
  /** The seat that holds the task now; undefined while it waits. */
  holder?: string;
  /** When the holder took it (clock ms). */
  heldSince?: number;
  /** How many times it was handed out. */
  handouts: number;
  /** Agents it was ever handed to: the only ones whose result is taken. */
  agents: Set<string>;
  /** The providers of its MX hosts (mailProviderOf), worked out when a prober backs off from one. */
  providers?: string[];
}

/** Idle server bindings are forgotten past this many, so a long-running edge stays small. */
const MAX_STICKY = 50_000;

/**
 * The queue, the in-flight bookkeeping and the routing rule, without I/O: a mail server (the
 * task's mxKeyOf, so every domain it serves) sticks to the seat that first took it while that
 * seat is connected — its prober's per-server limits then hold for every prober of this edge
 * together, and its sessions can be shared across those domains; other servers go to the seat
 * with the lowest load relative to its capacity; no seat
 * ever holds more tasks than its capacity. Waiting tasks are taken in order, but a task whose
 * seat is full does not hold back the ones behind it.
 */
export class TaskBoard {
  readonly entries = new Map<string, Entry>();
  /** Insertion-ordered, so the oldest waits first; deletes are O(1) for answers and aborts. */
  private waiting = new Set<string>();
  private sticky = new Map<string, string>();
  private pruneAt = MAX_STICKY;

  add(task: ProbeTask): Entry {
    const entry: Entry = { task, handouts: 0, agents: new Set() };
    this.entries.set(task.id, entry);
    this.waiting.add(task.id);
    return entry;
  }

  /** Takes a task out for good (answered or given up); returns its holder, if any. */
  remove(taskId: string): Entry | undefined {
    const entry = this.entries.get(taskId);
    if (!entry) return undefined;
    this.entries.delete(taskId);
    this.waiting.delete(taskId);
    return entry;
  }

  /** Takes every waiting task out for good (nobody can take them); tasks held by a seat stay. */
  takeWaiting(): Entry[] {
    const taken = [...this.waiting].map((taskId) => this.entries.get(taskId)!);
    for (const entry of taken) this.entries.delete(entry.task.id);
    this.waiting.clear();
    return taken;
  }

  /** A seat went away: its tasks wait again, ahead of newer work, and its servers are free. */
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
    if (back.length > 0) this.waiting = new Set([...back, ...this.waiting]);
    for (const [server, key] of this.sticky) if (key === seat.key) this.sticky.delete(server);
    return back;
  }

  /**
   * Hands out every waiting task that can go somewhere now. The scan stops as soon as every
   * open slot is taken, so a long queue costs per free slot, not per task, on each call.
   */
  assign(seats: Seat[], now: number): { entry: Entry; seat: Seat }[] {
    const byKey = new Map(seats.map((s) => [s.key, s]));
    const accepting = seats.filter((seat) => seat.accepting());
    const anyHeldOff = accepting.some((seat) => seat.heldOff.size > 0);
    let free = accepting.reduce((n, s) => n + Math.max(0, s.capacity - s.inFlight.size), 0);
    const out: { entry: Entry; seat: Seat }[] = [];
    for (const taskId of this.waiting) {
      if (free === 0) break;
      const entry = this.entries.get(taskId);
      const server = entry && mxKeyOf(entry.task.plan);
      const candidates = entry && anyHeldOff ? welcoming(entry, accepting, now) : accepting;
      const seat = entry && server !== undefined && this.pick(server, candidates, byKey);
      if (!entry || !seat) continue;
      this.waiting.delete(taskId);
      entry.holder = seat.key;
      entry.heldSince = now;
      entry.handouts++;
      entry.agents.add(seat.agentId);
      seat.inFlight.add(taskId);
      this.bind(server!, seat.key);
      out.push({ entry, seat });
      free--;
    }
    return out;
  }

  /** Tasks a seat has held past their own deadline and `graceMs` more: a prober answers by then, even to say it gave up. */
  overdue(now: number, graceMs: number): Entry[] {
    const late: Entry[] = [];
    for (const entry of this.entries.values()) {
      if (entry.heldSince !== undefined && entry.holder !== undefined && now > entry.heldSince + entry.task.deadline_ms + graceMs) late.push(entry);
    }
    return late;
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  /** `candidates`: the accepting seats that may take this task (see `welcoming`). */
  private pick(server: string, candidates: Seat[], byKey: Map<string, Seat>): Seat | undefined {
    const bound = byKey.get(this.sticky.get(server) ?? '');
    if (bound && candidates.includes(bound)) return hasRoom(bound) ? bound : undefined;
    let best: Seat | undefined;
    for (const seat of candidates) {
      if (!hasRoom(seat)) continue;
      if (!best || load(seat) < load(best)) best = seat;
    }
    return best;
  }

  private bind(server: string, key: string): void {
    this.sticky.set(server, key);
    if (this.sticky.size <= this.pruneAt) return;
    const busy = new Set([...this.entries.values()].map((e) => mxKeyOf(e.task.plan)));
    for (const d of this.sticky.keys()) if (!busy.has(d)) this.sticky.delete(d);
    // Busy servers stay bound; wait for the map to double before scanning again.
    this.pruneAt = Math.max(MAX_STICKY, 2 * this.sticky.size);
  }
}

/**
 * A seat whose prober backs off from one of the task's providers is passed over while another
 * can take it: the server's binding moves (that prober makes no connection there meanwhile).
 * When every seat backs off from it, all may take it, and the prober answers at once that it
 * is held, with when to ask again.
 */
function welcoming(entry: Entry, accepting: Seat[], now: number): Seat[] {
  const welcome = accepting.filter((seat) => !heldOff(entry, seat, now));
  return welcome.length > 0 ? welcome : accepting;
}

function heldOff(entry: Entry, seat: Seat, now: number): boolean {
  if (seat.heldOff.size === 0) return false;
  entry.providers ??= [...new Set(entry.task.plan.hosts.map((h) => mailProviderOf(h.host)))];
  return entry.providers.some((provider) => {
    const until = seat.heldOff.get(provider);
    if (until !== undefined && until <= now) seat.heldOff.delete(provider);
    return until !== undefined && until > now;
  });
}

function hasRoom(seat: Seat): boolean {
  return seat.inFlight.size < seat.capacity;
}

function load(seat: Seat): number {
  return seat.inFlight.size / seat.capacity;
}

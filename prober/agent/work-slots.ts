import type { ProbeResult, ProbeTask } from '../../protocol/index.ts';
import type { TaskRunner } from '../engine/task-runner.ts';

/** Sends one result to the edge; false when there is no authenticated connection now. */
export type Deliver = (result: ProbeResult) => boolean;

/**
 * The agent's work: at most `capacity` tasks run at once (the edge never sends more; any
 * surplus waits here rather than overloading the host), and every result is kept in the outbox
 * until it could be handed to a live connection — results finished while the link was down go
 * out after reconnecting, and the edge drops any copy it already has.
 */
export class WorkSlots {
  /** One controller per running task (not one shared signal, which would collect a listener per task). */
  private running = new Map<string, AbortController>();
  private queued: ProbeTask[] = [];
  private outbox = new Map<string, ProbeResult>();
  private idle: (() => void)[] = [];
  private stopped = false;

  constructor(
    private runner: TaskRunner,
    readonly capacity: number,
    private deliver: Deliver,
    private onCrash: (taskId: string, error: unknown) => void,
  ) {}

  take(task: ProbeTask): void {
    if (this.running.has(task.id) || this.queued.some((t) => t.id === task.id)) return;
    if (this.outbox.has(task.id)) return this.flush();
    if (this.running.size >= this.capacity) this.queued.push(task);
    else this.start(task);
  }

  /** Hands every kept result to the connection; what it cannot take stays. */
  flush(): void {
    for (const [id, result] of this.outbox) {
      if (!this.deliver(result)) return;
      this.outbox.delete(id);
    }
  }

  get inFlight(): number {
    return this.running.size + this.queued.length;
  }

  get unsent(): number {
    return this.outbox.size;
  }

  /** Resolves once nothing runs and nothing waits (results may still be unsent). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Hard stop: tell every running task to give up, and start no more. */
  abort(): void {
    this.stopped = true;
    for (const controller of this.running.values()) controller.abort();
  }

  private start(task: ProbeTask): void {
    const controller = new AbortController();
    if (this.stopped) controller.abort();
    this.running.set(task.id, controller);
    void this.runner(task, controller.signal)
      .catch((error: unknown) => {
        this.onCrash(task.id, error);
        return crashResult(task);
      })
      .then((result) => {
        this.running.delete(task.id);
        this.outbox.set(task.id, result);
        this.flush();
        const next = this.queued.shift();
        if (next) this.start(next);
        if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }
}

/** A runner that threw is a bug, not an answer about the addresses: say so, per address. */
function crashResult(task: ProbeTask): ProbeResult {
  return {
    task_id: task.id,
    domain: task.domain,
    results: task.addresses.map((a) => ({ id: a.id, address: a.address, smtp: { outcome: 'error', reason: 'internal_error' }, signals: [] })),
    catch_all: { status: 'unknown', cached: false },
    stats: { connections: 0, commands: 0, round_trips: 0 },
  };
}

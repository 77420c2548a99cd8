import { MessagePort, Worker } from 'node:worker_threads';
import type { ProberSettings } from '../../prober/settings.ts';

/** What the thread needs to join the edge as the embedded agent, its settings already read and checked by `start`. */
export interface ProberThreadOptions {
  config: ProberSettings;
  agentId: string;
  key: string;
  capacity: number;
}

/** The thread's messages to its parent: a new connection to the edge (prober-thread-entry.ts), or the agent's exit code. */
interface FromThread {
  connect?: MessagePort;
  exit?: number;
}

/**
 * The embedded prober of `bouncezero start` on a thread of its own. It speaks the agent protocol
 * to the edge as a remote prober does, text frames through the same handshake and hub, but over
 * a MessagePort (`accept` hands each new one to the edge) rather than a loopback WebSocket, which
 * cost both threads syscalls, framing, masking and UTF-8 work on every frame. The edge (DNS, the
 * store, scoring) and the prober (SMTP, TLS, plugins) run on two cores instead of taking turns on
 * one, and the CPU-bound bulk job gets the second core of a small machine.
 */
export function startProberThread(options: ProberThreadOptions, accept: (port: MessagePort) => void): { exit: Promise<number>; drain(): void; stop(): void } {
  // The CLI runs its TypeScript through tsx (bin/bouncezero.js); a worker gets no loader of its
  // parent's, so it registers its own before importing the prober's entry.
  const entry = new URL('./prober-thread-entry.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: options });
  const exit = new Promise<number>((resolve) => {
    worker.on('message', (message: FromThread) => {
      if (message.connect instanceof MessagePort) accept(message.connect);
      if (typeof message.exit === 'number') resolve(message.exit);
    });
    worker.on('error', (error) => {
      process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), event: 'prober_thread_failed', error: String(error) })}\n`);
      resolve(1);
    });
    worker.on('exit', (code) => resolve(code));
  });
  return { exit, drain: () => worker.postMessage('drain'), stop: () => worker.postMessage('stop') };
}

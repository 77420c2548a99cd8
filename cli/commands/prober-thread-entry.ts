import { parentPort, workerData } from 'node:worker_threads';
import type { ProberThreadOptions } from './prober-thread.ts';
import { nodeAgent } from './prober.ts';

/** Inside the prober thread (prober-thread.ts): the embedded agent until drained; its exit code goes to the parent. */
const agent = await nodeAgent(workerData as ProberThreadOptions);
parentPort!.on('message', (message) => {
  if (message === 'drain') agent.drain();
  if (message === 'stop') agent.stop();
});
const code = await agent.run();
parentPort!.postMessage({ exit: code });
parentPort!.close();

import { parentPort, workerData } from 'node:worker_threads';
import { loadProberSettings } from '../../prober/settings.ts';
import type { ProberThreadOptions } from './prober-thread.ts';
import { nodeAgent } from './prober.ts';

/** Inside the prober thread (prober-thread.ts): the embedded agent until drained; its exit code goes to the parent. */
const options = workerData as ProberThreadOptions;
const loaded = loadProberSettings(process.env);
if (!loaded.ok) {
  process.stderr.write(`${loaded.error}\n`);
  parentPort!.postMessage({ exit: 2 });
} else {
  const agent = await nodeAgent({ config: loaded.settings, ...options });
  parentPort!.on('message', (message) => {
    if (message === 'drain') agent.drain();
    if (message === 'stop') agent.stop();
  });
  const code = await agent.run();
  parentPort!.postMessage({ exit: code });
  parentPort!.close();
}

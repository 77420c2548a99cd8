import { parentPort, workerData } from 'node:worker_threads';
import { IN_PROCESS_EDGE_URL, portConnectEdge } from '../../prober/adapters/port-client-node.ts';
import type { ProberThreadOptions } from './prober-thread.ts';
import { nodeAgent } from './prober.ts';

/**
 * Inside the prober thread (prober-thread.ts): the embedded agent until drained; its exit code
 * goes to the parent. Its connections are ports offered to the parent.
 */
const connect = portConnectEdge((port) => parentPort!.postMessage({ connect: port }, [port]));
const agent = await nodeAgent({ ...(workerData as ProberThreadOptions), edgeUrl: IN_PROCESS_EDGE_URL, connect });
parentPort!.on('message', (message) => {
  if (message === 'drain') agent.drain();
  if (message === 'stop') agent.stop();
});
const code = await agent.run();
parentPort!.postMessage({ exit: code });
parentPort!.close();

/**
 * Misbehaving MX servers on their own 127.0.0.x:25 (world.ts FAULT_MX gives them names):
 * a tarpit accepts and never says a word; a dropper sends its banner and hangs up. Both count
 * the connections they got, so a test can bound the retries.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface ScriptedMx {
  connections: number;
  close(): Promise<void>;
}

export async function startScriptedMx(address: string, behaviour: 'tarpit' | 'drop_after_banner'): Promise<ScriptedMx> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (behaviour === 'drop_after_banner') socket.end('220 mx.dropper.test ESMTP\r\n', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(25, address, () => resolve());
  });
  return {
    get connections() { return state.connections; },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A DoH endpoint on loopback that takes every request and never answers, as a resolver behind a
 * dead link. It counts the requests it took and those still open (their connection not closed).
 */
export async function silentDoh() {
  const held: ServerResponse[] = [];
  let closed = 0;
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    held.push(res);
    res.once('close', () => void closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query`,
    received: () => held.length,
    open: () => held.length - closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

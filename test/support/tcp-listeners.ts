import { createServer, type Server, type Socket } from 'node:net';

/**
 * Throw-away TCP servers on 127.0.0.1 for a test file: `listen` starts one on a free port and
 * `closeAll` (in afterEach) drops every server and accepted socket.
 */
export function tcpListeners() {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  return {
    async listen(onSocket: (socket: Socket) => void): Promise<number> {
      const server = createServer((socket) => {
        sockets.push(socket);
        socket.on('error', () => {});
        onSocket(socket);
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return (server.address() as { port: number }).port;
    },
    async closeAll(): Promise<void> {
      for (const s of sockets.splice(0)) s.destroy();
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    },
  };
}

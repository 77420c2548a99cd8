import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client at the byte level: the upgrade by hand, then whatever bytes a test wants
 * to send, well-formed or not. For proving the edge survives what no library would send.
 */
export interface RawSocket {
  socket: Socket;
  /** The status line of the upgrade answer, e.g. "HTTP/1.1 101 Switching Protocols". */
  status: string;
  /** Resolves when the peer has closed or reset the connection. */
  closed: Promise<void>;
}

export async function rawUpgrade(url: string, options: { origin?: string; localAddress?: string } = {}): Promise<RawSocket> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const origin = options.origin ? `Origin: ${options.origin}\r\n` : '';
  socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${origin}\r\n`);
  const head = await new Promise<string>((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) done();
    };
    const done = () => {
      socket.off('data', onData);
      resolve(text);
    };
    socket.on('data', onData);
    void closed.then(done);
  });
  // Later frames (the challenge) are read and dropped, so the edge's writes never block.
  socket.on('data', () => {});
  return { socket, status: head.split('\r\n')[0] ?? '', closed };
}

/** One client frame: FIN set, the given opcode, masked with a zero key unless `masked` is false. */
export function clientFrame(opcode: number, payload: Uint8Array, options: { masked?: boolean; announcedLength?: number } = {}): Buffer {
  const masked = options.masked ?? true;
  const length = options.announcedLength ?? payload.length;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) header = Buffer.from([0x80 | opcode, maskBit | length]);
  else if (length < 65536) header = Buffer.from([0x80 | opcode, maskBit | 126, length >> 8, length & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  // A zero mask leaves the payload as it is.
  return Buffer.concat([header, masked ? Buffer.alloc(4) : Buffer.alloc(0), payload]);
}

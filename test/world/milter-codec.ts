/**
 * The Sendmail milter wire format (as Postfix speaks it): each packet is a 4-byte big-endian
 * length, then a one-byte command, then `length - 1` bytes of data.
 */

export interface MilterPacket {
  command: string;
  data: Buffer;
}

/** Splits a byte stream into packets; feed it chunks of any size. */
export class MilterPacketReader {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): MilterPacket[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const packets: MilterPacket[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (this.buffer.length < 4 + length) break;
      const body = this.buffer.subarray(4, 4 + length);
      packets.push({ command: String.fromCharCode(body[0] ?? 0), data: Buffer.from(body.subarray(1)) });
      this.buffer = this.buffer.subarray(4 + length);
    }
    return packets;
  }
}

export function encodePacket(command: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(data.length + 1, 0);
  header.write(command, 4, 'latin1');
  return Buffer.concat([header, data]);
}

/** The NUL-terminated strings of a packet's data (e.g. RCPT: the address, then ESMTP args). */
export function strings(data: Buffer): string[] {
  const text = data.toString('latin1');
  return text.split('\0').slice(0, text.endsWith('\0') ? -1 : undefined);
}

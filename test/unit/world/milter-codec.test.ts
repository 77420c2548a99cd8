import { describe, expect, it } from 'vitest';
import { MilterPacketReader, encodePacket, strings } from '../../world/milter-codec.ts';
import { rcptReply } from '../../world/reply-milter-rules.ts';
import { BLOCKLIST_REPLY, SPECIAL_RECIPIENTS } from '../../world/world.ts';

describe('milter packets', () => {
  const stream = Buffer.concat([
    encodePacket('O', Buffer.from([0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0x1f, 0xff])),
    encodePacket('R', Buffer.from('<full@world.test>\0SIZE=10\0', 'latin1')),
    encodePacket('Q'),
  ]);

  it('reads the same packets whatever the chunk size', () => {
    for (let size = 1; size <= stream.length; size++) {
      const reader = new MilterPacketReader();
      const packets = [];
      for (let i = 0; i < stream.length; i += size) packets.push(...reader.push(stream.subarray(i, i + size)));
      expect(packets.map((p) => p.command)).toEqual(['O', 'R', 'Q']);
      expect(strings(packets[1]!.data)).toEqual(['<full@world.test>', 'SIZE=10']);
    }
  });
});

describe('reply milter rules', () => {
  it('rejects every recipient on the blocklist port', () => {
    expect(rcptReply('blocklist', '<alice@blocked.test>')).toBe(BLOCKLIST_REPLY);
  });

  it('rejects only the special recipients, whatever their case', () => {
    expect(rcptReply('recipients', '<FULL@World.Test>')).toBe(SPECIAL_RECIPIENTS['full@world.test']);
    expect(rcptReply('recipients', '<alice@world.test>')).toBeUndefined();
  });
});

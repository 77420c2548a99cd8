/**
 * A milter that gives Postfix verbatim MAIL and RCPT replies. Postfix prefixes access-map and
 * policy rejections with "<addr>: Recipient address rejected:", but passes a milter's reply
 * through unchanged, and world.ts specifies exact replies (SPECIAL_RECIPIENTS, BLOCKLIST_REPLY,
 * SENDER_BLOCK_REPLIES).
 *   node --import tsx test/world/reply-milter.ts
 * One port per behaviour: REPLY_MILTER.blocklistPort rejects every recipient,
 * REPLY_MILTER.recipientsPort rejects only the special recipients, REPLY_MILTER.providerPort
 * also every address that is no mailbox (in its provider's words), REPLY_MILTER.ambiguousPort
 * answers in Outlook.com's generic words, REPLY_MILTER.chkuserPort as qmail's chkuser, and each of
 * REPLY_MILTER.senderPorts rejects every MAIL FROM with its listener's reply.
 */
import { createServer, type Socket } from 'node:net';
import { MilterPacketReader, encodePacket, strings } from './milter-codec.ts';
import { REPLY_MILTER, mailReply, rcptReply, type MilterMode } from './reply-milter-rules.ts';
import { SENDER_BLOCK_REPLIES } from './world.ts';

const SMFIP_NOCONNECT = 0x1;
const SMFIP_NOHELO = 0x2;
const SMFIP_NOMAIL = 0x4;
const SMFIP_NOBODY = 0x10;
const SMFIP_NOHDRS = 0x20;
const SMFIP_NOEOH = 0x40;
const SMFIP_NOUNKNOWN = 0x100;
const SMFIP_NODATA = 0x200;
/** Only MAIL and RCPT matter: ask Postfix to skip every other event it can (and MAIL where it does not matter). */
const SKIPPED_EVENTS = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOBODY | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOUNKNOWN | SMFIP_NODATA;

/** Commands the milter must not answer: macros, abort, quit, quit-and-reuse. */
const UNANSWERED = new Set(['D', 'A', 'Q', 'K']);

function serve(socket: Socket, mode: MilterMode): void {
  const reader = new MilterPacketReader();
  // What chkuser counts: one SMTP session's wrong RCPTs, across its transactions (a milter connection serves one session at a time).
  let wrong = 0;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    for (const packet of reader.push(chunk)) {
      if (packet.command === 'Q') {
        socket.end();
        return;
      }
      // Quit, and the next SMTP session follows on this connection: chkuser's count starts again.
      if (packet.command === 'K') wrong = 0;
      if (UNANSWERED.has(packet.command)) continue;
      if (packet.command === 'O') {
        const offered = packet.data.readUInt32BE(8);
        const reply = Buffer.alloc(12);
        reply.writeUInt32BE(Math.min(6, packet.data.readUInt32BE(0)), 0);
        reply.writeUInt32BE(0, 4);
        reply.writeUInt32BE(offered & (mailReply(mode) === undefined ? SKIPPED_EVENTS | SMFIP_NOMAIL : SKIPPED_EVENTS), 8);
        socket.write(encodePacket('O', reply));
        continue;
      }
      const reply = packet.command === 'R' ? rcptReply(mode, strings(packet.data)[0] ?? '', wrong) : packet.command === 'M' ? mailReply(mode) : undefined;
      if (reply?.startsWith('5')) wrong++;
      // A multi-line reply goes as its lines joined by CRLF, each with its code (as smfi_setmlreply sends it).
      socket.write(reply === undefined ? encodePacket('c') : encodePacket('y', Buffer.from(`${reply.replaceAll('\n', '\r\n')}\0`, 'latin1')));
    }
  });
}

const modes: [MilterMode, number][] = [
  ['blocklist', REPLY_MILTER.blocklistPort],
  ['recipients', REPLY_MILTER.recipientsPort],
  ['provider', REPLY_MILTER.providerPort],
  ['ambiguous', REPLY_MILTER.ambiguousPort],
  ['chkuser', REPLY_MILTER.chkuserPort],
  ...Object.entries(SENDER_BLOCK_REPLIES).map(([address, mailFrom]): [MilterMode, number] => [{ mailFrom }, REPLY_MILTER.senderPorts[address] as number]),
];
let listening = 0;
for (const [mode, port] of modes) {
  createServer((socket) => serve(socket, mode)).listen(port, REPLY_MILTER.address, () => {
    // start.sh waits for this line: every port is open.
    if (++listening === modes.length) console.log(`listening on ${REPLY_MILTER.address}: ${modes.map(([, p]) => p).join(' ')}`);
  });
}

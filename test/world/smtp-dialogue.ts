/**
 * A minimal raw SMTP client for the world's own checks: greeting, then one command at a time,
 * each awaited to its full (possibly multi-line) reply. Never sends DATA.
 */
import { connect } from 'node:net';

export interface Dialogue {
  /** The greeting, then one reply per command; a multi-line reply keeps its lines joined by \n. */
  replies: string[];
}

export interface DialogueOptions {
  port?: number;
  timeoutMs?: number;
}

const SAFE_COMMAND = /^[\x20-\x7e]*$/;

export function smtpDialogue(host: string, commands: string[], options: DialogueOptions = {}): Promise<Dialogue> {
  for (const command of commands) {
    if (!SAFE_COMMAND.test(command) || /^DATA\b/i.test(command)) throw new Error(`refusing to send ${JSON.stringify(command)}`);
  }
  const { port = 25, timeoutMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const replies: string[] = [];
    let buffer = '';
    let pending: string[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout after ${replies.length} replies from ${host}`)));
    socket.on('error', reject);
    socket.on('close', () => resolve({ replies }));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        pending.push(line);
        if (line.charAt(3) === '-') continue;
        replies.push(pending.join('\n'));
        pending = [];
        const next = commands[replies.length - 1];
        if (next === undefined) socket.end();
        else socket.write(`${next}\r\n`);
      }
    });
  });
}

import { rcptPath } from './rcpt-path.ts';

/**
 * The last line of defence before bytes reach an MX: a command is written only if it is one
 * line of printable text. Stage 1 already refused such addresses; this check does not trust it.
 */

/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
export const MAX_COMMAND_BYTES = 510;

/** Verbs this client must never send: it verifies, it does not deliver. */
const FORBIDDEN_VERBS = /^(DATA|BDAT|VRFY|EXPN|TURN|ETRN)\b/i;

/** C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

const encoder = new TextEncoder();

export type CommandCheck = { ok: true; bytes: Uint8Array } | { ok: false; detail: string };

/** The wire bytes of one command (CRLF appended), or why it must not be sent. */
export function encodeCommand(command: string): CommandCheck {
  if (CONTROL.test(command)) return { ok: false, detail: 'command contains a control character' };
  if (FORBIDDEN_VERBS.test(command)) return { ok: false, detail: `refusing to send ${command.split(' ')[0]}` };
  const bytes = encoder.encode(`${command}\r\n`);
  if (bytes.length > MAX_COMMAND_BYTES + 2) return { ok: false, detail: 'command longer than 512 octets' };
  return { ok: true, bytes };
}

export function isSafeCommand(command: string): boolean {
  return encodeCommand(command).ok;
}

export const mailFromCommand = (sender: string, smtputf8: boolean) => `MAIL FROM:<${sender}>${smtputf8 ? ' SMTPUTF8' : ''}`;
export const rcptToCommand = (address: string) => `RCPT TO:<${rcptPath(address)}>`;

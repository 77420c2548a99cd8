import type { SmtpReply } from '../../protocol/index.ts';

/** The EHLO keywords this client acts on. */
export interface Capabilities {
  esmtp: boolean;
  pipelining: boolean;
  starttls: boolean;
  smtputf8: boolean;
  enhancedStatusCodes: boolean;
  eightBitMime: boolean;
  /** SIZE's declared limit in bytes; 0 when announced without a limit; undefined when absent. */
  size?: number;
}

export const NO_CAPABILITIES: Capabilities = {
  esmtp: false,
  pipelining: false,
  starttls: false,
  smtputf8: false,
  enhancedStatusCodes: false,
  eightBitMime: false,
};

/** The first line of an EHLO reply is the greeting; every later line is `KEYWORD [params]`. */
export function parseCapabilities(reply: SmtpReply): Capabilities {
  const caps: Capabilities = { ...NO_CAPABILITIES, esmtp: true };
  for (const line of reply.lines.slice(1)) {
    const [keyword = '', param] = line.trim().split(/\s+/);
    switch (keyword.toUpperCase()) {
      case 'PIPELINING': caps.pipelining = true; break;
      case 'STARTTLS': caps.starttls = true; break;
      case 'SMTPUTF8': caps.smtputf8 = true; break;
      case 'ENHANCEDSTATUSCODES': caps.enhancedStatusCodes = true; break;
      case '8BITMIME': caps.eightBitMime = true; break;
      case 'SIZE': caps.size = param && /^\d+$/.test(param) ? Number(param) : 0; break;
    }
  }
  return caps;
}

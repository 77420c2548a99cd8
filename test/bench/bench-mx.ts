/**
 * One Postfix-like SMTP server answering for every domain of the bench (the delaying proxies in
 * front of it give each domain its own address): EHLO with PIPELINING and STARTTLS (a
 * self-signed certificate made with openssl at start, TLS session tickets on), MAIL, RCPT per
 * the world's rules, RSET, QUIT; never DATA. It counts what it saw after TLS, so RCPTs are
 * counted whatever the transport.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, createServer as createTlsServer, TLSSocket } from 'node:tls';

export interface BenchMxRules {
  /** Domains this server takes mail for; anything else is relay denied. */
  domains: Set<string>;
  catchAll: Set<string>;
  exists(local: string): boolean;
}

export interface BenchMxCounts {
  sessions: number;
  tlsSessions: number;
  tlsResumed: number;
  mailFroms: number;
  rcpts: number;
  /** Sessions whose RCPTs named more than one domain. */
  multiDomainSessions: number;
}

export interface BenchMx {
  port: number;
  counts(): BenchMxCounts;
  close(): Promise<void>;
}

const NAME = 'mx.realistic.test';

function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bz-bench-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${NAME}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

export async function startBenchMx(rules: BenchMxRules): Promise<BenchMx> {
  const counts: BenchMxCounts = { sessions: 0, tlsSessions: 0, tlsResumed: 0, mailFroms: 0, rcpts: 0, multiDomainSessions: 0 };
  const pair = selfSigned();
  const secureContext = createSecureContext(pair);
  // Not listening: it only lends its session-ticket keys to the sockets upgraded by STARTTLS.
  const ticketServer = createTlsServer(pair);
  const sockets = new Set<Socket>();

  const server = createServer((raw) => {
    counts.sessions++;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    let socket: Socket = raw;
    let tls = false;
    let buffer = '';
    const domainsSeen = new Set<string>();

    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let out = '';
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        if (verb === 'QUIT') {
          socket.end(`${out}221 2.0.0 Bye\r\n`);
          return;
        }
        if (verb === 'STARTTLS' && !tls) {
          socket.write(`${out}220 2.0.0 Ready to start TLS\r\n`);
          // RFC 3207: whatever the client pipelined after STARTTLS is discarded.
          buffer = '';
          socket.off('data', onData);
          const secure = new TLSSocket(raw, { isServer: true, secureContext, server: ticketServer });
          secure.on('error', () => raw.destroy());
          secure.once('secure', () => {
            counts.tlsSessions++;
            if (secure.isSessionReused()) counts.tlsResumed++;
          });
          secure.on('data', onData);
          socket = secure;
          tls = true;
          return;
        }
        out += `${reply(verb, line)}\r\n`;
      }
      if (out) socket.write(out);
    };

    const reply = (verb: string, line: string): string => {
      switch (verb) {
        case 'EHLO':
          return [NAME, 'PIPELINING', 'SIZE 10240000', ...(tls ? [] : ['STARTTLS']), 'ENHANCEDSTATUSCODES', '8BITMIME', 'SMTPUTF8']
            .map((k, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${k}`)
            .join('\r\n');
        case 'HELO':
          return `250 ${NAME}`;
        case 'MAIL':
          counts.mailFroms++;
          return '250 2.1.0 Ok';
        case 'RCPT': {
          counts.rcpts++;
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          const at = address.lastIndexOf('@');
          const local = address.slice(0, at);
          const domain = address.slice(at + 1).toLowerCase();
          if (!rules.domains.has(domain)) return `554 5.7.1 <${address}>: Relay access denied`;
          if (domainsSeen.add(domain).size === 2) counts.multiDomainSessions++;
          if (rules.catchAll.has(domain) || rules.exists(local)) return '250 2.1.5 Ok';
          return `550 5.1.1 <${address}>: Recipient address rejected: User unknown in virtual mailbox table`;
        }
        case 'RSET':
          return '250 2.0.0 Ok';
        case 'NOOP':
          return '250 2.0.0 Ok';
        case 'DATA':
        case 'BDAT':
          return '554 5.5.1 Error: no valid recipients';
        default:
          return '502 5.5.2 Error: command not recognized';
      }
    };

    raw.on('data', onData);
    raw.write(`220 ${NAME} ESMTP Postfix\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

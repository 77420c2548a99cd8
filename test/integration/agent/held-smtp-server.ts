import { createServer, type Server, type Socket } from 'node:net';

/**
 * A tiny scripted SMTP server on a loopback address: it answers like a plain MTA, except that
 * while `holding` it does not answer RCPT TO, so the prober's tasks stay in flight for as long
 * as the test needs. It counts sessions and RCPTs, and the EHLO names it was greeted with.
 * A prober greeting as `blockedHelo` gets Gmail's refusal of its IP at RCPT (each prober of a
 * test has its own name, where on the internet each has its own address).
 */
export class HeldSmtpServer {
  holding = true;
  rcpts = 0;
  sessions = 0;
  readonly greetings: string[] = [];
  blockedHelo: string | undefined;
  private servers: Server[] = [];
  private waiting: (() => void)[] = [];
  private sockets = new Set<Socket>();

  /** Listens on every address with one port (the prober dials one BZ_SMTP_PORT); returns it. */
  async listen(addresses: string[]): Promise<number> {
    let port = 0;
    for (const address of addresses) {
      const server = createServer((socket) => this.session(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, resolve);
      });
      this.servers.push(server);
      const info = server.address();
      port = typeof info === 'object' && info ? info.port : 0;
    }
    return port;
  }

  /** Answers every held RCPT and stops holding. */
  release(): void {
    this.holding = false;
    for (const answer of this.waiting.splice(0)) answer();
  }

  get held(): number {
    return this.waiting.length;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  private session(socket: Socket): void {
    this.sessions++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    socket.write('220 held.test ESMTP\r\n');
    let buffer = '';
    let queue = Promise.resolve();
    const session = { helo: '' };
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        queue = queue.then(() => this.answer(socket, line, session));
      }
    });
  }

  private async answer(socket: Socket, line: string, session: { helo: string }): Promise<void> {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'EHLO') {
      session.helo = line.slice(5).trim();
      this.greetings.push(session.helo);
      return void socket.write('250-held.test\r\n250 PIPELINING\r\n');
    }
    if (verb === 'RCPT' && session.helo === this.blockedHelo) {
      // Gmail's wording, as in the reply corpus ("Gmail: closing and blocked"), the address ours.
      return void socket.end(
        '421-4.7.0 [127.0.0.1] Our system has detected an unusual rate of unsolicited mail\r\n' +
          '421 4.7.0 originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp\r\n',
      );
    }
    if (verb === 'HELO' || verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') return void socket.write('250 ok\r\n');
    if (verb === 'QUIT') return void socket.end('221 bye\r\n');
    if (verb === 'RCPT') {
      this.rcpts++;
      if (this.holding) await new Promise<void>((resolve) => this.waiting.push(resolve));
      return void socket.write(/<(alice|bob)@/i.test(line) ? '250 ok\r\n' : '550 5.1.1 no such user\r\n');
    }
    socket.write('502 not implemented\r\n');
  }
}

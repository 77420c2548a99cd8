/**
 * Self-check of the world's mail servers through real sockets:
 *   npx tsx test/world/check-smtp.ts [--sessions N]
 * Every EXPECTATIONS address on a domain some listener takes gets a raw SMTP session (EHLO,
 * MAIL FROM, RCPT TO, QUIT; never DATA) and its RCPT reply (its MAIL reply, where the listener
 * refuses every sender) is compared with what world.ts says.
 * Prints one line per check; exits 1 if any fails.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { smtpDialogue } from './smtp-dialogue.ts';
import {
  AMBIGUOUS_REPLY, AMBIGUOUS_TO_EVERYONE, BLOCK_REPLIES, CHKUSER_NO_MAILBOX, BULK, EXPECTATIONS, GATEWAY_BACKENDS, GATEWAY_PROBE_REFUSED, GREYLIST_DELAY_S, HARVEST_DOMAIN, HARVEST_NO_MAILBOX, LISTENERS, REFUSING_ADDRESS, SENDER_BLOCK_REPLIES, SPECIAL_RECIPIENTS,
  NO_SUCH_USER_REPLIES, POSTMASTER_EXEMPT, STARTTLS_ADDRESS, WORDLESS_DENY_REPLY, bulkDomain, bulkMailbox, tooManyConnectionsReply, SESSION_RATE_LIMIT, type Expectation,
} from './world.ts';

// A fresh sender per run, so this check's greylist triplets never pass anyone else's.
const SENDER = `check-${randomUUID().slice(0, 8)}@prober.world.test`;
let failures = 0;

function report(ok: boolean, what: string, detail: string): void {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${detail}`);
}

/** The reply to RCPT, or to MAIL FROM where the listener refuses the sender (a senderblock listener). */
async function rcpt(address: string, email: string): Promise<string> {
  const { replies } = await smtpDialogue(address, ['EHLO prober.world.test', `MAIL FROM:<${SENDER}>`, `RCPT TO:<${email}>`, 'QUIT']);
  const at = SENDER_BLOCK_REPLIES[address] === undefined ? 3 : 2;
  return replies[at] ?? `(no reply; got ${JSON.stringify(replies)})`;
}

function expectedReply(e: Expectation, listener: string): RegExp | string {
  const senderBlock = SENDER_BLOCK_REPLIES[listener];
  if (senderBlock) return senderBlock;
  const special = (SPECIAL_RECIPIENTS as Record<string, string>)[e.email];
  if (special) return special;
  const domain = e.email.slice(e.email.indexOf('@') + 1);
  const block = BLOCK_REPLIES[domain];
  if (block) return block;
  const noSuchUser = NO_SUCH_USER_REPLIES[domain];
  if (noSuchUser && e.reason === 'mailbox_not_found') return noSuchUser(e.email);
  const kind = LISTENERS.find((l) => l.address === listener)?.kind;
  if (kind === 'chkuser' && e.reason === 'mailbox_not_found') return domain === HARVEST_DOMAIN ? HARVEST_NO_MAILBOX : CHKUSER_NO_MAILBOX;
  if (kind === 'chkuser') return /^250 /;
  // The gateways quote their backend: its "User unknown" under Postfix's default 450, its refusal of the probe under 550.
  if (kind === 'gateway' && e.reason === 'mailbox_not_found') return /^450 4\.1\.1 .* unverified address: host .* said: 550 5\.1\.1 .*User unknown/;
  if (kind === 'strictgateway') return `550 5.1.1 <${e.email}>: Recipient address rejected: undeliverable address: host ${GATEWAY_BACKENDS[domain]}[${GATEWAY_BACKENDS[domain]}] said: ${GATEWAY_PROBE_REFUSED} (in reply to MAIL FROM command)`;
  const ambiguous = kind === 'ambiguous';
  if (ambiguous && POSTMASTER_EXEMPT.includes(domain)) return e.email === `postmaster@${domain}` ? /^250 / : WORDLESS_DENY_REPLY;
  if (ambiguous && (e.reason === 'mailbox_not_found' || AMBIGUOUS_TO_EVERYONE.includes(domain))) return AMBIGUOUS_REPLY;
  if (e.reason === 'mailbox_not_found') return /^550 5\.1\.1 /;
  return /^250 /;
}

function matches(reply: string, expected: RegExp | string): boolean {
  return typeof expected === 'string' ? reply === expected : expected.test(reply);
}

async function checkExpectations(): Promise<void> {
  const greylisted: Expectation[] = [];
  for (const e of EXPECTATIONS) {
    const domain = e.email.slice(e.email.indexOf('@') + 1);
    for (const listener of LISTENERS.filter((l) => l.domains.includes(domain))) {
      const reply = await rcpt(listener.address, e.email);
      const expected = expectedReply(e, listener.address);
      if (listener.kind === 'greylist' && e.reason === 'accepted') {
        greylisted.push(e);
        report(/^45[01] 4\.(2\.0|7\.1) .*greylist/i.test(reply), `${e.email} @${listener.address} first try`, reply);
      } else {
        report(matches(reply, expected), `${e.email} @${listener.address}`, reply);
      }
    }
  }
  if (greylisted.length === 0) return;
  await sleep((GREYLIST_DELAY_S + 1) * 1000);
  for (const e of greylisted) {
    const listener = LISTENERS.find((l) => l.kind === 'greylist')!;
    const reply = await rcpt(listener.address, e.email);
    report(/^250 /.test(reply), `${e.email} @${listener.address} after ${GREYLIST_DELAY_S + 1}s`, reply);
  }
}

async function checkEhlo(): Promise<void> {
  const ehlo = async (address: string) => (await smtpDialogue(address, ['EHLO prober.world.test', 'QUIT'])).replies[1] ?? '';
  for (const listener of LISTENERS) {
    const keywords = await ehlo(listener.address);
    const pipelining = /^250[ -]PIPELINING$/m.test(keywords);
    report(pipelining === (listener.kind !== 'nopipelining'), `EHLO ${listener.address} (${listener.kind})`, pipelining ? 'PIPELINING' : 'no PIPELINING');
    const starttls = /^250[ -]STARTTLS$/m.test(keywords);
    report(starttls === (listener.address === STARTTLS_ADDRESS), `EHLO ${listener.address} STARTTLS`, starttls ? 'offered' : 'not offered');
  }
}

function checkRefused(): Promise<void> {
  return new Promise((done) => {
    const socket = connect({ host: REFUSING_ADDRESS, port: 25 });
    socket.on('connect', () => {
      report(false, `${REFUSING_ADDRESS}:25`, 'accepted a connection');
      socket.destroy();
      done();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      report(error.code === 'ECONNREFUSED', `${REFUSING_ADDRESS}:25`, error.code ?? error.message);
      done();
    });
  });
}

/** While one session is open on the sessionlimit listener, the next is turned away at its banner. */
async function checkSessionLimit(): Promise<void> {
  const listener = LISTENERS.find((l) => l.kind === 'sessionlimit')!;
  const held = connect({ host: listener.address, port: 25 });
  await new Promise((greeted, failed) => held.once('data', greeted).once('error', failed));
  try {
    const { replies } = await smtpDialogue(listener.address, ['QUIT']);
    report(replies[0] === tooManyConnectionsReply('mx.onesession.test', '127.0.0.1'), `second session @${listener.address}`, replies[0] ?? '(no banner)');
  } finally {
    held.destroy();
  }
}

/** The ratelimit listener turns a session away once the window holds SESSION_RATE_LIMIT (earlier checks may have spent some). */
async function checkSessionRate(): Promise<void> {
  const listener = LISTENERS.find((l) => l.kind === 'ratelimit')!;
  const banners: string[] = [];
  for (let i = 0; i <= SESSION_RATE_LIMIT; i++) {
    banners.push((await smtpDialogue(listener.address, ['QUIT'])).replies[0] ?? '(no banner)');
    if (!banners.at(-1)!.startsWith('220 ')) break;
  }
  report(banners.at(-1) === tooManyConnectionsReply('mx.ratelimit.test', '127.0.0.1'), `session ${banners.length} in a row @${listener.address}`, banners.at(-1)!);
}

/** Sessions in a burst: none may be paced (in_flow_delay) or limited (anvil). */
async function checkBurst(address: string, count: number, concurrency: number, email: (i: number) => string): Promise<void> {
  const started = performance.now();
  let slowest = 0;
  const bad: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      const reply = await rcpt(address, email(i)).catch((error: Error) => error.message);
      slowest = Math.max(slowest, performance.now() - t0);
      if (!/^(250|550) /.test(reply)) bad.push(reply);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const detail = `${count} sessions, ${concurrency} at a time, ${(count / seconds).toFixed(0)}/s, slowest ${slowest.toFixed(0)} ms${bad.length ? `, bad: ${bad[0]}` : ''}`;
  report(bad.length === 0 && slowest < 1000, `burst ${address}`, detail);
}

const sessionsArg = process.argv.indexOf('--sessions');
const bulkSessions = sessionsArg > 0 ? Number(process.argv[sessionsArg + 1]) : 200;

await checkExpectations();
await checkEhlo();
await checkRefused();
await checkSessionLimit();
await checkSessionRate();
await checkBurst(STARTTLS_ADDRESS, 20, 1, () => 'alice@world.test');
await checkBurst(BULK.address, bulkSessions, 20, (i) => `${bulkMailbox(i % (BULK.mailboxes + 10))}@${bulkDomain(i % BULK.domains)}`);
console.log(failures === 0 ? 'smtp checks: all passed' : `smtp checks: ${failures} FAILED`);
process.exitCode = failures === 0 ? 0 : 1;

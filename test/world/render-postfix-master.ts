/**
 * master.cf: one smtpd per listener address (port 25 of its own 127.0.0.x), its kind's
 * behaviour as -o overrides, plus the internal services smtpd needs to answer RCPT. No chroot.
 */
import { REPLY_MILTER } from './reply-milter-rules.ts';
import { BULK, LISTENERS, RECIPIENT_LIMIT, RECORDS, SESSION_LIMIT, SESSION_RATE_LIMIT, SPECIAL_RECIPIENTS, type Listener, type ListenerKind } from './world.ts';

export interface TlsFiles {
  address: string;
  certFile: string;
  keyFile: string;
}

const KIND_OVERRIDES: Record<ListenerKind, string[]> = {
  standard: [],
  catchall: [],
  greylist: ['smtpd_recipient_restrictions=$greylist_recipient_restrictions'],
  nopipelining: ['smtpd_discard_ehlo_keywords=pipelining'],
  blocklist: [],
  recipientlimit: [`smtpd_recipient_limit=${RECIPIENT_LIMIT}`],
  helocheck: ['smtpd_helo_required=yes', 'smtpd_helo_restrictions=reject_non_fqdn_helo_hostname'],
  greycatchall: ['smtpd_recipient_restrictions=$greylist_recipient_restrictions'],
  senderblock: [],
  provider: [],
  ambiguous: [],
  // The main.cf exempts loopback from anvil's limits; this listener takes that back.
  sessionlimit: ['smtpd_client_event_limit_exceptions=', `smtpd_client_connection_count_limit=${SESSION_LIMIT}`],
  ratelimit: ['smtpd_client_event_limit_exceptions=', `smtpd_client_connection_rate_limit=${SESSION_RATE_LIMIT}`],
  chkuser: [],
  // Each recipient checked with the backend (an SMTP probe by Postfix's verify service) before the answer: no table of its own.
  gateway: ['smtpd_recipient_restrictions=reject_unverified_recipient,permit', 'relay_recipient_maps='],
  strictgateway: ['smtpd_recipient_restrictions=reject_unverified_recipient,permit', 'relay_recipient_maps=', 'unverified_recipient_reject_code=550'],
  backend: [],
};

const SPECIAL_DOMAINS = new Set(Object.keys(SPECIAL_RECIPIENTS).map((a) => a.slice(a.indexOf('@') + 1)));

/**
 * The reply milter port that gives a listener its exact replies (reply-milter-rules.ts), or
 * undefined when Postfix answers alone. The blocklist, provider, ambiguous and senderblock kinds
 * have one of their own (the provider milter answers the special recipients itself; to Postfix
 * those domains are catch-alls, so every local part reaches it); any other listener of a domain
 * with special recipients gets the recipients milter.
 */
function milterPortOf(listener: Listener): number | undefined {
  switch (listener.kind) {
    case 'blocklist':
      return REPLY_MILTER.blocklistPort;
    case 'provider':
      return REPLY_MILTER.providerPort;
    case 'ambiguous':
      return REPLY_MILTER.ambiguousPort;
    case 'chkuser':
      return REPLY_MILTER.chkuserPort;
    case 'senderblock':
      return REPLY_MILTER.senderPorts[listener.address];
    default:
      return listener.domains.some((d) => SPECIAL_DOMAINS.has(d)) ? REPLY_MILTER.recipientsPort : undefined;
  }
}

/** The host name DNS gives the address, so the banner names the MX the client looked up. */
function hostName(listener: Listener): string {
  const record = RECORDS.find((r) => r.type === 'A' && r.value === listener.address && r.name.startsWith('mx'));
  return record?.name ?? `mx.${listener.domains[0]}`;
}

function smtpdLine(address: string, overrides: string[]): string {
  return [`${address}:smtp inet n - n - - smtpd`, ...overrides.map((o) => `  -o ${o}`)].join('\n');
}

const INTERNAL_SERVICES = `
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

export function renderMasterCf(tls: TlsFiles): string {
  const listeners = LISTENERS.map((listener) => {
    const overrides = [`myhostname=${hostName(listener)}`, ...KIND_OVERRIDES[listener.kind]];
    const milterPort = milterPortOf(listener);
    if (milterPort !== undefined) overrides.push(`smtpd_milters=inet:${REPLY_MILTER.address}:${milterPort}`);
    if (listener.address === tls.address) {
      overrides.push('smtpd_tls_security_level=may', `smtpd_tls_cert_file=${tls.certFile}`, `smtpd_tls_key_file=${tls.keyFile}`);
    }
    return smtpdLine(listener.address, overrides);
  });
  // Its own syslog name, so benches can count the bulk listener's sessions in postfix.log.
  const bulk = smtpdLine(BULK.address, [`myhostname=${BULK.host}`, 'syslog_name=postfix-bulk']);
  return `# Generated by test/world/render.ts from test/world/world.ts
# service type  private unpriv  chroot  wakeup  maxproc command + args
${listeners.join('\n')}
${bulk}
${INTERNAL_SERVICES}`;
}

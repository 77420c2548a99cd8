/**
 * The local test world: one source of truth for the DNS zones, the Postfix listeners and
 * what every address in it should verify as. test/world/render.ts turns it into configs;
 * the integration, e2e and bench suites read their expectations from here.
 *
 * All names live under `.test` (RFC 2606). Mail servers listen on port 25 of their own
 * 127.0.0.x address; nothing here is reachable from outside the machine.
 */

export const DNS = {
  /** BIND, authoritative for `test.` and the reverse/DNSBL zones. */
  bind: { address: '127.0.0.1', port: 5353 },
  /** dnsdist in front of BIND: DoH over plain HTTP/1.1. */
  doh: 'http://127.0.0.1:8053/dns-query',
} as const;

/** SOCKS5 proxy on loopback, for the prober's BZ_SOCKS5 test. */
export const SOCKS5 = { address: '127.0.0.1', port: 1080, user: 'bz', password: 'bz-secret' } as const;

/** Behaviours a Postfix listener can have (each is a master.cf line with -o overrides). */
export type ListenerKind =
  | 'standard' | 'catchall' | 'greylist' | 'nopipelining' | 'blocklist'
  | 'recipientlimit' | 'helocheck' | 'greycatchall' | 'senderblock' | 'provider' | 'ambiguous' | 'sessionlimit' | 'ratelimit' | 'chkuser'
  | 'gateway' | 'strictgateway' | 'backend';

export interface Listener {
  address: string;
  kind: ListenerKind;
  /** Domains whose mail this listener takes. */
  domains: string[];
}

export const LISTENERS: Listener[] = [
  { address: '127.0.0.20', kind: 'standard', domains: ['world.test', 'partial.test', 'cname.test', 'alias.test'] },
  { address: '127.0.0.21', kind: 'catchall', domains: ['catchall.test'] },
  { address: '127.0.0.22', kind: 'greylist', domains: ['grey.test'] },
  { address: '127.0.0.23', kind: 'nopipelining', domains: ['nopipe.test'] },
  { address: '127.0.0.25', kind: 'standard', domains: ['failover.test'] },
  { address: '127.0.0.26', kind: 'blocklist', domains: ['blocked.test', 'poorrep.test', 'ppblocked.test', 'godaddy.test', 'mcrelay.test', 'eximverify.test'] },
  { address: '127.0.0.27', kind: 'standard', domains: ['implicit.test'] },
  { address: '127.0.0.28', kind: 'standard', domains: ['equal.test'] },
  { address: '127.0.0.29', kind: 'standard', domains: ['equal.test'] },
  { address: '127.0.0.31', kind: 'recipientlimit', domains: ['limit.test'] },
  { address: '127.0.0.32', kind: 'helocheck', domains: ['helo.test'] },
  { address: '127.0.0.33', kind: 'greycatchall', domains: ['greycatch.test'] },
  { address: '127.0.0.34', kind: 'standard', domains: ['callout.test'] },
  { address: '127.0.0.35', kind: 'standard', domains: ['listed.test'] },
  { address: '127.0.0.36', kind: 'senderblock', domains: ['eop.test'] },
  { address: '127.0.0.37', kind: 'senderblock', domains: ['ymail.test'] },
  { address: '127.0.0.38', kind: 'provider', domains: ['workspace.test', 'mimecast.test', 'proofpoint.test', 'barracuda.test', 'yahoo.test', 'icloud.test', 'webde.test', 'm365.test', 'qq.test', 'comcast.test'] },
  { address: '127.0.0.39', kind: 'ambiguous', domains: ['outlook.test', 'shunned.test', 'exempt.test'] },
  { address: '127.0.0.42', kind: 'sessionlimit', domains: ['onesession-a.test', 'onesession-b.test', 'onesession-c.test'] },
  // No EXPECTATIONS: every suite that checks them all would spend its sessions; its own test does.
  { address: '127.0.0.43', kind: 'ratelimit', domains: ['ratelimit.test'] },
  { address: '127.0.0.44', kind: 'chkuser', domains: ['qmail.test', 'harvest.test'] },
  // Recipient verification gateways (GATEWAY_BACKENDS) and the servers behind them, which take no domain of their own.
  { address: '127.0.0.45', kind: 'gateway', domains: ['gwverify.test'] },
  { address: '127.0.0.46', kind: 'backend', domains: [] },
  { address: '127.0.0.47', kind: 'strictgateway', domains: ['gwblind.test'] },
  { address: '127.0.0.48', kind: 'senderblock', domains: [] },
];

/**
 * Gateways that check each recipient with the server behind them before they answer (Postfix's
 * reject_unverified_recipient), and that server, by domain. The gateway of gwverify.test answers
 * with Postfix's default 450 and quotes its backend's "User unknown"; the backend of gwblind.test
 * refuses the gateway's probe sender (GATEWAY_PROBE_REFUSED, as a backend whose DNS does not know
 * the gateway's domain does), and its strict gateway answers that with 550 for every recipient.
 */
export const GATEWAY_BACKENDS: Readonly<Record<string, string>> = { 'gwverify.test': '127.0.0.46', 'gwblind.test': '127.0.0.48' };
export const GATEWAY_PROBE_REFUSED = '550 5.1.8 <double-bounce@mx1.world.test>: Sender address rejected: Domain not found';

/**
 * How Postfix's anvil turns a session away at its banner, whether the client holds too many
 * sessions at once or opened too many of late: the same words, so only whether sessions of ours
 * were open tells the two apart.
 */
export const tooManyConnectionsReply = (host: string, client: string) => `421 4.7.0 ${host} Error: too many connections from ${client}`;

/**
 * Sessions at once the sessionlimit listener (mx.onesession.test) allows one client
 * (`smtpd_client_connection_count_limit`, loopback not exempt there). Exchange, Rackspace and
 * many corporate servers hold a sender to one or two.
 */
export const SESSION_LIMIT = 1;

/**
 * New sessions a client may open on the ratelimit listener (mx.ratelimit.test) in any
 * SESSION_RATE_WINDOW_S seconds (`smtpd_client_connection_rate_limit`, `anvil_rate_time_unit`).
 */
export const SESSION_RATE_LIMIT = 2;
export const SESSION_RATE_WINDOW_S = 10;

/**
 * The chkuser listener (mx.qmail.test) answers as qmail's chkuser with CHKUSER_WRONGRCPTLIMIT:
 * an address that is no mailbox gets CHKUSER_NO_MAILBOX, and once a session has had
 * CHKUSER_WRONG_RCPT_LIMIT of those, every later RCPT of that session gets CHKUSER_TURNED, live
 * mailboxes too (replies from chkuser_settings.h, test/fixtures/smtp-replies.json).
 */
export const CHKUSER_WRONG_RCPT_LIMIT = 3;
export const CHKUSER_NO_MAILBOX = '511 sorry, no mailbox here by that name (#5.1.1 - chkuser)';
export const CHKUSER_TURNED = '571 sorry, you are violating our security policies (#5.1.1 - chkuser)';

/**
 * harvest.test, on the same listener, is a harvest guard of the kind Cisco's DHAP and Libero run:
 * the same count, refusals in their words (HARVEST_TURNED, Libero's, test/fixtures/smtp-replies.json),
 * and, as Exim's default ACL does, postmaster@ taken whatever the count. So postmaster's acceptance
 * cannot tell a turned live mailbox from a missing one.
 */
export const HARVEST_DOMAIN = 'harvest.test';
export const HARVEST_NO_MAILBOX = '550 5.1.1 User unknown';
export const HARVEST_TURNED = '550 Too many invalid recipients. For further information contact your provider.';

/** `smtpd_recipient_limit` of the recipientlimit listener: RCPTs past it in one transaction get RECIPIENT_LIMIT_REPLY. */
export const RECIPIENT_LIMIT = 3;
export const RECIPIENT_LIMIT_REPLY = '452 4.5.3 Error: too many recipients';

/**
 * The helocheck listener requires a HELO that is a fully-qualified host name
 * (`reject_non_fqdn_helo_hostname`); Postfix reports it at RCPT (smtpd_delay_reject), for every
 * recipient, with this reply.
 */
export const heloRejectReply = (helo: string) => `504 5.5.2 <${helo}>: Helo command rejected: need fully-qualified hostname`;

/**
 * callout.test is an ordinary Postfix domain; tests put a delaying proxy (test/support/delay-proxy.ts,
 * `rcptReplyDelayMs`) in front of its listener to play a server that verifies by callout before
 * answering RCPT (Exim's default takes 20–30 s; the tests scale the delay and the timeouts down together).
 */
export const CALLOUT_DOMAIN = 'callout.test';

/** 127.0.0.24 is the primary MX of failover.test and has no listener: connections are refused. */
export const REFUSING_ADDRESS = '127.0.0.24';

/** Mailboxes that exist on every domain of a listener that is no catch-all (catchall, greycatchall, blocklist). */
export const MAILBOXES = ['alice', 'bob', 'carol', 'first.last', 'postmaster'] as const;

/** Special recipients of world.test, answered by a recipient access map. */
export const SPECIAL_RECIPIENTS = {
  'full@world.test': '552 5.2.2 Mailbox full',
  'disabled@world.test': '550 5.2.1 Mailbox disabled, not accepting messages',
  'policy@world.test': '554 5.7.1 Recipient address rejected: Access denied by policy',
  // A mailbox that exists, refused with a mailbox code whose words are about our IP: read by the
  // code it would be deleted. On a domain of its own, since the prober then backs off from it.
  'alice@listed.test': '550 5.1.1 Mailbox unavailable. Your IP address 127.0.0.1 is listed at zen.spamhaus.org',
  // Google Workspace's multi-line replies (one string, lines joined by \n): test/fixtures/smtp-replies.json.
  'disabled@workspace.test': [
    '550-5.2.1 The email account that you tried to reach is disabled. Learn more at',
    '550 5.2.1  https://support.google.com/mail/?p=DisabledUser a1si2 - gsmtp',
  ].join('\n'),
  'full@workspace.test': [
    '552-5.2.2 The email account that you tried to reach is over quota. Please direct',
    '552 5.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp',
  ].join('\n'),
  // Gmail's live mailbox that receives more than it takes, under the disabled status 5.2.1.
  'busy@workspace.test': [
    '550-5.2.1 The user you are trying to contact is receiving mail at a rate that',
    '550-5.2.1 prevents additional messages from being delivered. For more information,',
    '550 5.2.1 review https://support.google.com/mail/?p=ReceivingRatePerm a1si2 - gsmtp',
  ].join('\n'),
  // Yahoo's 554 (no enhanced code): only the words say the mailbox is disabled.
  'disabled@yahoo.test': '554 delivery error: dd Sorry your message to disabled@yahoo.test cannot be delivered. This mailbox is disabled (554.30). - mta1234.mail.ne1.yahoo.com',
  // web.de's full mailbox, with a 550: read by the code it would be deleted, though it only soft-bounces.
  'full@webde.test': '550 Benutzer hat das Speichervolumen ueberschritten. / User has exhausted allowed storage space.',
  // QQ's refusal by the mailbox's own blacklist or filter: a bare 550 for a mailbox that exists,
  // whose postmaster@ accepts (a control recipient would read it as "no such mailbox").
  'picky@qq.test': '550 Mail is rejected by recipients http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000731',
  // Exchange Online's live mailbox over its hourly limit: it speaks of "the recipient", and m365.test's postmaster@ accepts.
  'busy@m365.test': '554 5.2.122 The recipient has exceeded their limit for the number of messages they can receive per hour. For more information go to http://go.microsoft.com/fwlink/?LinkId=526653. [outlook.com]',
  // Comcast's full mailbox under the code for an unknown one (5.1.1): read by the code it would be deleted.
  'full@comcast.test': '552 5.1.1 <full@comcast.test> recipient rejected - extended quota violation',
} as const;

/**
 * What the provider listener answers on workspace.test an address that is none of MAILBOXES:
 * Gmail's and Google Workspace's four-line "no such user" (lines joined by \n), as a real Postfix
 * relays a milter's multi-line reply.
 */
export const WORKSPACE_NO_SUCH_USER = [
  '550-5.1.1 The email account that you tried to reach does not exist. Please try',
  "550-5.1.1 double-checking the recipient's email address for typos or",
  '550-5.1.1 unnecessary spaces. Learn more at',
  '550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si2 - gsmtp',
].join('\n');

/**
 * How the provider listener (a catch-all to Postfix, so every local part reaches its milter)
 * refuses an address of each of its domains that is none of MAILBOXES: in the provider's or
 * gateway's own words, from test/fixtures/smtp-replies.json. Two of them carry a code that says
 * something else (Mimecast's none at all, Proofpoint's 5.7.1 "policy"): only the words tell
 * that the mailbox does not exist.
 */
export const NO_SUCH_USER_REPLIES: Readonly<Record<string, (address: string) => string>> = {
  'workspace.test': () => WORKSPACE_NO_SUCH_USER,
  'mimecast.test': () => '550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550',
  'proofpoint.test': (address) => `550 5.7.1 <${address}>: Recipient address rejected: User email address is marked as invalid`,
  'barracuda.test': (address) => `550 cuda_nsu 5.1.1 <${address}> Recipient address rejected: User unknown`,
  // Consumer mailboxes: Yahoo's 554 "transaction failed" code, Apple's plain 5.1.1, web.de's words with no enhanced code.
  'yahoo.test': (address) => `554 delivery error: dd This user doesn't have a yahoo.test account (${address}) [0] - mta1234.mail.gq1.yahoo.com`,
  'icloud.test': (address) => `550 5.1.1 <${address}>: user does not exist`,
  'webde.test': (address) => `550 Unknown local part ${address.slice(0, address.indexOf('@'))} in <${address}>`,
  // A Microsoft 365 tenant's directory-based edge blocking: "Access denied" reads like a policy, 5.4.1 and AS(201806281) say no such user.
  'm365.test': () => '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR01FT088.eop-EUR01.prod.protection.outlook.com 2023-06-22T08:26:31.592Z 08DB72B25E50380B]',
  // QQ Mail: a bare 550 whose words alone say no such recipient.
  'qq.test': () => '550 Mailbox not found. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000728',
  'comcast.test': () => '550 5.1.1 Not our Customer',
};

/**
 * What each senderblock listener answers to every MAIL FROM: the words big providers refuse a
 * sending IP with, before any recipient is named (test/fixtures/smtp-replies.json has them with
 * their sources). No mailbox of these domains may then read as undeliverable.
 */
export const SENDER_BLOCK_REPLIES: Readonly<Record<string, string>> = {
  // Outlook.com / Microsoft 365 (Exchange Online Protection): the network is on Microsoft's own list (S3140).
  '127.0.0.36':
    "550 5.7.1 Unfortunately, messages from [127.0.0.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [DB3EUR04FT014.eop-eur04.prod.protection.outlook.com]",
  // Yahoo: a 553 ("mailbox name not allowed") for an IP on Spamhaus XBL.
  '127.0.0.37': '553 Mail from 127.0.0.1 not allowed - 5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL; see https://postmaster.yahooinc.com/error-codes',
  // The backend of gwblind.test: only its gateway's verification probes reach it.
  '127.0.0.48': GATEWAY_PROBE_REFUSED,
};

/**
 * What the ambiguous listener refuses with: Outlook.com's generic words, which name neither the
 * mailbox nor us (test/fixtures/smtp-replies.json). On outlook.test only addresses that are no
 * mailbox get it, so the control recipient (postmaster@, a mailbox) shows it was about the
 * mailbox; on AMBIGUOUS_TO_EVERYONE every address gets it, postmaster@ too: a refusal of us.
 */
export const AMBIGUOUS_REPLY =
  '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM1EUR02FT034.eop-EUR02.prod.protection.outlook.com]';
export const AMBIGUOUS_TO_EVERYONE: readonly string[] = ['shunned.test'];

/**
 * What the ambiguous listener refuses every address but postmaster@ of POSTMASTER_EXEMPT with:
 * Exim's words for a deny ACL without a message. Exim's default configuration accepts postmaster@
 * before any other check, so a server that denies us takes it all the same.
 */
export const WORDLESS_DENY_REPLY = '550 Administrative prohibition';
export const POSTMASTER_EXEMPT: readonly string[] = ['exempt.test'];

/** The text a blocklist listener rejects every RCPT with (a real-world DNSBL rejection). */
export const BLOCKLIST_REPLY =
  '554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org';

/**
 * What the blocklist listener refuses every RCPT of each of its domains with (any other domain:
 * BLOCKLIST_REPLY): a DNSBL's words, and the security gateways' blocks of our IP, which come at
 * RCPT too, with codes a refused mailbox could carry (test/fixtures/smtp-replies.json has their
 * sources). No address there, real or not, may read as undeliverable.
 */
export const BLOCK_REPLIES: Readonly<Record<string, string>> = {
  'blocked.test': BLOCKLIST_REPLY,
  // Mimecast: our IP's reputation, as a bare 550 with no enhanced code.
  'poorrep.test': '550 csi.mimecast.org Poor Reputation Sender. - https://community.mimecast.com/docs/DOC-1369#550',
  // Proofpoint: our IP on its reputation list; the address to look it up at is all it says.
  'ppblocked.test': '554 Blocked - see https://ipcheck.proofpoint.com/?ip=127.0.0.1',
  // GoDaddy: our IP's hourly limit, whose words a full mailbox's would match ("too many messages").
  'godaddy.test': '550 This IP has sent too many messages this hour. IB504',
  // Exim whose callout to our MAIL FROM failed, in its long form: the "Unrouteable address" is ours, not the recipient.
  'eximverify.test': ['550-Verification failed for <verify@prober.world.test>', '550-Unrouteable address', '550 Sender verification failed'].join('\n'),
  // Mimecast, not recognising our IP for the domain: a 4xx relay refusal, for now. No EXPECTATIONS: a job would retry it.
  'mcrelay.test': '451 Open relay not allowed - https://community.mimecast.com/docs/DOC-1369#451',
};

/** Seconds postgrey makes a new (client, sender, recipient) triplet wait. */
export const GREYLIST_DELAY_S = 3;

export interface ZoneRecord {
  name: string;
  type: 'A' | 'AAAA' | 'MX' | 'CNAME' | 'TXT' | 'PTR' | 'NS' | 'SOA';
  value: string;
  ttl?: number;
}

/** Records of the `test.` zone (names are absolute, without the trailing dot). */
export const RECORDS: ZoneRecord[] = [
  { name: 'mx1.world.test', type: 'A', value: '127.0.0.20' },
  { name: 'world.test', type: 'MX', value: '10 mx1.world.test' },

  { name: 'mx.catchall.test', type: 'A', value: '127.0.0.21' },
  { name: 'catchall.test', type: 'MX', value: '10 mx.catchall.test' },

  { name: 'mx.grey.test', type: 'A', value: '127.0.0.22' },
  { name: 'grey.test', type: 'MX', value: '10 mx.grey.test' },

  { name: 'mx.nopipe.test', type: 'A', value: '127.0.0.23' },
  { name: 'nopipe.test', type: 'MX', value: '10 mx.nopipe.test' },

  { name: 'mx1.failover.test', type: 'A', value: '127.0.0.24' },
  { name: 'mx2.failover.test', type: 'A', value: '127.0.0.25' },
  { name: 'failover.test', type: 'MX', value: '10 mx1.failover.test' },
  { name: 'failover.test', type: 'MX', value: '20 mx2.failover.test' },

  { name: 'mx.blocked.test', type: 'A', value: '127.0.0.26' },
  { name: 'blocked.test', type: 'MX', value: '10 mx.blocked.test' },
  /** Gateways that refuse our IP at RCPT (BLOCK_REPLIES), each a provider of its own. */
  { name: 'us-smtp-inbound-1.poorrep.test', type: 'A', value: '127.0.0.26' },
  { name: 'poorrep.test', type: 'MX', value: '10 us-smtp-inbound-1.poorrep.test' },
  { name: 'mx0a.pphosted.ppblocked.test', type: 'A', value: '127.0.0.26' },
  { name: 'ppblocked.test', type: 'MX', value: '10 mx0a.pphosted.ppblocked.test' },
  { name: 'smtp.secureserver.godaddy.test', type: 'A', value: '127.0.0.26' },
  { name: 'godaddy.test', type: 'MX', value: '0 smtp.secureserver.godaddy.test' },
  { name: 'mx.eximverify.test', type: 'A', value: '127.0.0.26' },
  { name: 'eximverify.test', type: 'MX', value: '10 mx.eximverify.test' },
  { name: 'eu-smtp-inbound-2.mcrelay.test', type: 'A', value: '127.0.0.26' },
  { name: 'mcrelay.test', type: 'MX', value: '10 eu-smtp-inbound-2.mcrelay.test' },

  /** No MX: the domain's own A record is the implicit MX (RFC 5321 §5.1). */
  { name: 'implicit.test', type: 'A', value: '127.0.0.27' },

  /** Two MX of equal preference (shuffled by the plan) and a backup. */
  { name: 'mxa.equal.test', type: 'A', value: '127.0.0.28' },
  { name: 'mxb.equal.test', type: 'A', value: '127.0.0.29' },
  { name: 'equal.test', type: 'MX', value: '10 mxa.equal.test' },
  { name: 'equal.test', type: 'MX', value: '10 mxb.equal.test' },
  { name: 'equal.test', type: 'MX', value: '20 mx1.world.test' },

  /** smtpd_recipient_limit, a HELO restriction, a greylisting catch-all, a server to put a slow callout in front of. */
  { name: 'mx.limit.test', type: 'A', value: '127.0.0.31' },
  { name: 'limit.test', type: 'MX', value: '10 mx.limit.test' },
  { name: 'mx.helo.test', type: 'A', value: '127.0.0.32' },
  { name: 'helo.test', type: 'MX', value: '10 mx.helo.test' },
  { name: 'mx.greycatch.test', type: 'A', value: '127.0.0.33' },
  { name: 'greycatch.test', type: 'MX', value: '10 mx.greycatch.test' },
  { name: 'mx.callout.test', type: 'A', value: '127.0.0.34' },
  { name: 'callout.test', type: 'MX', value: '10 mx.callout.test' },
  /** A server whose mailbox code (5.1.1) lies: its words say our IP is listed. */
  { name: 'mx.listed.test', type: 'A', value: '127.0.0.35' },
  { name: 'listed.test', type: 'MX', value: '10 mx.listed.test' },
  /** Servers that refuse our IP at MAIL FROM in Microsoft's and Yahoo's words (SENDER_BLOCK_REPLIES). */
  { name: 'mx.eop.test', type: 'A', value: '127.0.0.36' },
  { name: 'eop.test', type: 'MX', value: '10 mx.eop.test' },
  { name: 'mx.ymail.test', type: 'A', value: '127.0.0.37' },
  { name: 'ymail.test', type: 'MX', value: '10 mx.ymail.test' },
  /** Google Workspace's replies, multi-line (WORKSPACE_NO_SUCH_USER and its special recipients). */
  { name: 'aspmx.workspace.test', type: 'A', value: '127.0.0.38' },
  { name: 'workspace.test', type: 'MX', value: '1 aspmx.workspace.test' },
  /** Security gateways' own words for an unknown user (NO_SUCH_USER_REPLIES), on the provider listener too. */
  { name: 'eu-smtp-inbound-1.mimecast.test', type: 'A', value: '127.0.0.38' },
  { name: 'mimecast.test', type: 'MX', value: '10 eu-smtp-inbound-1.mimecast.test' },
  { name: 'mx0a.pphosted.proofpoint.test', type: 'A', value: '127.0.0.38' },
  { name: 'proofpoint.test', type: 'MX', value: '10 mx0a.pphosted.proofpoint.test' },
  { name: 'd1.barracuda.test', type: 'A', value: '127.0.0.38' },
  { name: 'barracuda.test', type: 'MX', value: '10 d1.barracuda.test' },
  /** Consumer mailbox providers' own words (NO_SUCH_USER_REPLIES and special recipients), on the provider listener too. */
  { name: 'mta5.am0.yahoodns.test', type: 'A', value: '127.0.0.38' },
  { name: 'yahoo.test', type: 'MX', value: '1 mta5.am0.yahoodns.test' },
  { name: 'mx01.mail.icloud.test', type: 'A', value: '127.0.0.38' },
  { name: 'icloud.test', type: 'MX', value: '10 mx01.mail.icloud.test' },
  { name: 'mx-ha03.web.webde.test', type: 'A', value: '127.0.0.38' },
  { name: 'webde.test', type: 'MX', value: '100 mx-ha03.web.webde.test' },
  { name: 'mx1.qq.test', type: 'A', value: '127.0.0.38' },
  { name: 'qq.test', type: 'MX', value: '10 mx1.qq.test' },
  { name: 'm365-test.mail.protection.o365.test', type: 'A', value: '127.0.0.38' },
  { name: 'm365.test', type: 'MX', value: '0 m365-test.mail.protection.o365.test' },
  { name: 'mx1a1.comcast.test', type: 'A', value: '127.0.0.38' },
  { name: 'comcast.test', type: 'MX', value: '5 mx1a1.comcast.test' },
  /** Outlook.com's ambiguous refusal (AMBIGUOUS_REPLY): the control recipient tells what it meant. */
  { name: 'mx.outlook.test', type: 'A', value: '127.0.0.39' },
  { name: 'outlook.test', type: 'MX', value: '10 mx.outlook.test' },
  { name: 'mx.shunned.test', type: 'A', value: '127.0.0.39' },
  { name: 'shunned.test', type: 'MX', value: '10 mx.shunned.test' },
  { name: 'mx.exempt.test', type: 'A', value: '127.0.0.39' },
  { name: 'exempt.test', type: 'MX', value: '10 mx.exempt.test' },
  /** One mail server for three domains that allows one session of a client at a time (SESSION_LIMIT). */
  { name: 'mx.onesession.test', type: 'A', value: '127.0.0.42' },
  ...['onesession-a.test', 'onesession-b.test', 'onesession-c.test'].map((name): ZoneRecord => ({ name, type: 'MX', value: '10 mx.onesession.test' })),
  /** A server that allows a client SESSION_RATE_LIMIT new sessions in SESSION_RATE_WINDOW_S. */
  { name: 'mx.ratelimit.test', type: 'A', value: '127.0.0.43' },
  { name: 'ratelimit.test', type: 'MX', value: '10 mx.ratelimit.test' },
  /** qmail's chkuser: refuses every RCPT of a session after CHKUSER_WRONG_RCPT_LIMIT unknown ones. */
  { name: 'mx.qmail.test', type: 'A', value: '127.0.0.44' },
  { name: 'qmail.test', type: 'MX', value: '10 mx.qmail.test' },
  /** Recipient verification gateways (GATEWAY_BACKENDS); their backends are named only for their banners. */
  { name: 'mx.gwverify.test', type: 'A', value: '127.0.0.45' },
  { name: 'gwverify.test', type: 'MX', value: '10 mx.gwverify.test' },
  { name: 'mx.gwverify-backend.test', type: 'A', value: '127.0.0.46' },
  { name: 'mx.gwblind.test', type: 'A', value: '127.0.0.47' },
  { name: 'gwblind.test', type: 'MX', value: '10 mx.gwblind.test' },
  { name: 'mx.gwblind-backend.test', type: 'A', value: '127.0.0.48' },
  /** A harvest guard (HARVEST_TURNED) on the same listener, postmaster@ exempt. */
  { name: 'mx.harvest.test', type: 'A', value: '127.0.0.44' },
  { name: 'harvest.test', type: 'MX', value: '10 mx.harvest.test' },

  /** RFC 7505 null MX. */
  { name: 'nullmx.test', type: 'MX', value: '0 .' },

  /** The name exists (a TXT record) but has neither MX nor address: NODATA ⇒ no_mx. */
  { name: 'nodata.test', type: 'TXT', value: '"v=spf1 -all"' },

  /** The MX target is a CNAME (against RFC 2181, common in the wild): followed. */
  { name: 'cname.test', type: 'MX', value: '10 mail.cname.test' },
  { name: 'mail.cname.test', type: 'CNAME', value: 'mx1.world.test' },

  /** The whole domain is a CNAME of world.test: its MX comes through the alias. */
  { name: 'alias.test', type: 'CNAME', value: 'world.test' },

  /** The only MX host has no address ⇒ mx_unresolvable. */
  { name: 'nohost.test', type: 'MX', value: '10 ghost.nohost.test' },

  /** The first MX host has no address and is skipped; the second works. */
  { name: 'partial.test', type: 'MX', value: '10 ghost.partial.test' },
  { name: 'partial.test', type: 'MX', value: '20 mx1.world.test' },

  /** A hostile zone pointing at private space: must never be dialed. */
  { name: 'mx.private.test', type: 'A', value: '10.0.0.5' },
  { name: 'mx2.private.test', type: 'A', value: '192.168.1.1' },
  { name: 'private.test', type: 'MX', value: '10 mx.private.test' },
  { name: 'private.test', type: 'MX', value: '20 mx2.private.test' },

  /** The prober's identity for the self-check: forward-confirmed reverse DNS of 127.0.0.1. */
  { name: 'prober.world.test', type: 'A', value: '127.0.0.1' },
  /** Another name that resolves, but not to the egress address (FCrDNS fails for it). */
  { name: 'elsewhere.world.test', type: 'A', value: '127.0.0.99' },

  /** Fault suite (test/integration/faults): scripted SMTP servers, no Postfix behind them. */
  { name: 'mx.tarpit.test', type: 'A', value: '127.0.0.40' },
  { name: 'tarpit.test', type: 'MX', value: '10 mx.tarpit.test' },
  { name: 'mx.dropper.test', type: 'A', value: '127.0.0.41' },
  { name: 'dropper.test', type: 'MX', value: '10 mx.dropper.test' },

  /** A short TTL, for cache-expiry tests. */
  { name: 'shortttl.test', type: 'MX', value: '10 mx1.world.test', ttl: 2 },
];

/** Reverse zone 127.in-addr.arpa: PTR for the egress address of a local prober. */
export const PTR_RECORDS: ZoneRecord[] = [{ name: '1.0.0.127.in-addr.arpa', type: 'PTR', value: 'prober.world.test' }];

/** DNSBL zones: `listed.dnsbl.test` lists 127.0.0.1 (as DNSBLs do, with 127.0.0.2 and a TXT); `clean.dnsbl.test` lists nothing. */
export const DNSBL = {
  listed: 'listed.dnsbl.test',
  clean: 'clean.dnsbl.test',
} as const;

/** The verdict and reason each address of the world must get. */
export interface Expectation {
  email: string;
  verdict: 'deliverable' | 'undeliverable' | 'risky' | 'unknown';
  reason: string;
}

function each(domain: string, verdict: Expectation['verdict'], reason: string, locals: readonly string[]): Expectation[] {
  return locals.map((l) => ({ email: `${l}@${domain}`, verdict, reason }));
}

export const EXPECTATIONS: Expectation[] = [
  ...each('world.test', 'deliverable', 'accepted', ['alice', 'bob', 'carol', 'first.last']),
  ...each('world.test', 'undeliverable', 'mailbox_not_found', ['nobody', 'ghost.user']),
  { email: 'full@world.test', verdict: 'risky', reason: 'mailbox_full' },
  { email: 'disabled@world.test', verdict: 'undeliverable', reason: 'mailbox_disabled' },
  { email: 'policy@world.test', verdict: 'unknown', reason: 'blocked_by_server' },
  ...each('catchall.test', 'risky', 'catch_all', ['alice', 'anything']),
  ...each('grey.test', 'deliverable', 'accepted', ['alice', 'bob']),
  ...each('grey.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  ...each('nopipe.test', 'deliverable', 'accepted', ['alice']),
  ...each('nopipe.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  ...each('failover.test', 'deliverable', 'accepted', ['alice']),
  ...each('failover.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  ...each('blocked.test', 'unknown', 'blocked_by_server', ['alice']),
  ...each('poorrep.test', 'unknown', 'blocked_by_server', ['alice', 'nobody']),
  ...each('ppblocked.test', 'unknown', 'blocked_by_server', ['alice', 'nobody']),
  ...each('godaddy.test', 'unknown', 'blocked_by_server', ['alice', 'nobody']),
  ...each('eximverify.test', 'unknown', 'blocked_by_server', ['alice', 'nobody']),
  ...each('listed.test', 'unknown', 'blocked_by_server', ['alice']),
  ...each('eop.test', 'unknown', 'blocked_by_server', ['alice', 'nobody']),
  ...each('ymail.test', 'unknown', 'blocked_by_server', ['alice', 'nobody']),
  ...each('workspace.test', 'deliverable', 'accepted', ['alice', 'first.last']),
  ...each('workspace.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  { email: 'disabled@workspace.test', verdict: 'undeliverable', reason: 'mailbox_disabled' },
  { email: 'full@workspace.test', verdict: 'risky', reason: 'mailbox_full' },
  { email: 'busy@workspace.test', verdict: 'unknown', reason: 'temporary_failure' },
  { email: 'disabled@yahoo.test', verdict: 'undeliverable', reason: 'mailbox_disabled' },
  { email: 'full@webde.test', verdict: 'risky', reason: 'mailbox_full' },
  { email: 'picky@qq.test', verdict: 'unknown', reason: 'blocked_by_server' },
  { email: 'busy@m365.test', verdict: 'unknown', reason: 'temporary_failure' },
  { email: 'full@comcast.test', verdict: 'risky', reason: 'mailbox_full' },
  ...['mimecast.test', 'proofpoint.test', 'barracuda.test', 'yahoo.test', 'icloud.test', 'webde.test', 'm365.test', 'qq.test', 'comcast.test'].flatMap((d) => [
    ...each(d, 'deliverable', 'accepted', ['alice']),
    ...each(d, 'undeliverable', 'mailbox_not_found', ['nobody']),
  ]),
  ...each('outlook.test', 'deliverable', 'accepted', ['alice']),
  ...each('outlook.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  ...each('shunned.test', 'unknown', 'blocked_by_server', ['alice', 'nobody']),
  ...each('exempt.test', 'unknown', 'ambiguous_refusal', ['alice', 'nobody']),
  ...each('qmail.test', 'deliverable', 'accepted', ['alice', 'bob']),
  ...each('qmail.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  ...each('harvest.test', 'deliverable', 'accepted', ['alice', 'bob']),
  ...each('harvest.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  ...each('gwverify.test', 'deliverable', 'accepted', ['alice', 'bob']),
  ...each('gwverify.test', 'undeliverable', 'mailbox_not_found', ['nobody']),
  ...each('gwblind.test', 'unknown', 'temporary_failure', ['alice', 'nobody']),
  ...['onesession-a.test', 'onesession-b.test', 'onesession-c.test'].flatMap((d) => [
    ...each(d, 'deliverable', 'accepted', ['alice', 'bob']),
    ...each(d, 'undeliverable', 'mailbox_not_found', ['nobody']),
  ]),
  ...each('implicit.test', 'deliverable', 'accepted', ['alice']),
  ...each('equal.test', 'deliverable', 'accepted', ['alice']),
  ...each('cname.test', 'deliverable', 'accepted', ['alice']),
  ...each('alias.test', 'deliverable', 'accepted', ['alice']),
  ...each('partial.test', 'deliverable', 'accepted', ['alice']),
  ...each('nullmx.test', 'undeliverable', 'null_mx', ['alice']),
  ...each('nxdomain.test', 'undeliverable', 'nxdomain', ['alice']),
  ...each('nodata.test', 'undeliverable', 'no_mx', ['alice']),
  ...each('nohost.test', 'undeliverable', 'mx_unresolvable', ['alice']),
  ...each('private.test', 'unknown', 'mx_private_address', ['alice']),
  { email: 'not an address', verdict: 'undeliverable', reason: 'invalid_syntax' },
];

/** The fault suite's scripted MX servers: one that accepts and never answers, one that drops after the banner. */
export const FAULT_MX = { tarpit: { domain: 'tarpit.test', address: '127.0.0.40' }, dropper: { domain: 'dropper.test', address: '127.0.0.41' } } as const;

/** BZ_ALLOW_NETS for the world: loopback only, so private.test stays refused. */
export const ALLOW_NETS = '127.0.0.0/8';

/**
 * Bulk domains for benchmarks: `bulk-<i>.test` for i < domains, each MX to one standard listener
 * at `address`, each with mailboxes `user0`..`user<mailboxes-1>` (other local parts get 550 5.1.1).
 */
export const BULK = { address: '127.0.0.30', host: 'mx.bulk.test', domains: 2000, mailboxes: 100 } as const;

export function bulkDomain(i: number): string {
  return `bulk-${i}.test`;
}

export function bulkMailbox(j: number): string {
  return `user${j}`;
}

/** The records the bulk domains add to the `test.` zone. */
export function bulkRecords(): ZoneRecord[] {
  const records: ZoneRecord[] = [{ name: BULK.host, type: 'A', value: BULK.address }];
  for (let i = 0; i < BULK.domains; i++) records.push({ name: bulkDomain(i), type: 'MX', value: `10 ${BULK.host}` });
  return records;
}

/** The one listener that offers STARTTLS (a self-signed certificate made at render time). */
export const STARTTLS_ADDRESS = '127.0.0.20';

import type { ReasonCode } from '../../protocol/index.ts';

/**
 * What SMTP replies mean, as data. Text patterns are matched against normalized text (see
 * reply-text.ts: lowercase, punctuation as single spaces, a space at a pattern's edge is a word
 * boundary). Every table is exercised by test/fixtures/smtp-replies.json, which names the
 * servers the wordings come from.
 */

/** Enhanced codes by "subject.detail" (RFC 3463); the class comes from the reply. Codes not
 * listed (x.0.0, x.1.0, x.2.0, x.5.0 …) are too generic to decide: the text does. */
export const ENHANCED_REASONS: ReadonlyMap<string, ReasonCode> = new Map([
  ['1.1', 'mailbox_not_found'], // bad destination mailbox address
  ['1.10', 'mailbox_not_found'], // recipient address has null MX / Exchange RecipientNotFound
  ['1.2', 'mailbox_not_found'], // bad destination system address
  ['1.3', 'mailbox_not_found'], // bad destination mailbox address syntax
  ['1.6', 'mailbox_not_found'], // destination mailbox has moved, no forwarding address
  ['1.7', 'blocked_by_server'], // bad sender's mailbox address syntax: our MAIL FROM
  ['1.8', 'blocked_by_server'], // bad sender's system address: our MAIL FROM domain
  ['2.1', 'mailbox_disabled'],
  ['2.2', 'mailbox_full'],
  ['2.3', 'smtp_protocol_error'], // message length exceeds administrative limit: the message's size, not the mailbox
  ['3.1', 'temporary_failure'], // mail system full: the server's disk, not the mailbox
  ['3.2', 'temporary_failure'], // system not accepting network messages
  ['5.1', 'smtp_protocol_error'],
  ['5.2', 'smtp_protocol_error'],
  ['5.3', 'temporary_failure'], // too many recipients: send fewer per transaction
  ['5.4', 'smtp_protocol_error'],
  ['6.7', 'smtputf8_unsupported'], // RFC 6531: non-ASCII address not permitted
]);

/** Every x.7.x (security or policy status) is about us, not the address. */
export const POLICY_SUBJECT = 7;

/**
 * Real providers whose codes say something other than what RFC 3463 reads. Checked before
 * everything else; every pattern of `all` must match and `enhanced` (when given) must equal.
 */
export const PROVIDER_QUIRKS: readonly { enhanced?: string; all: readonly string[]; reason: ReasonCode; why: string }[] = [
  {
    enhanced: '5.4.1',
    all: [' recipient address rejected access denied '],
    reason: 'mailbox_not_found',
    why: 'Exchange Online directory-based edge blocking: the tenant has no such recipient (AS(201806281))',
  },
  {
    enhanced: '5.2.1',
    all: [' at a rate ', ' prevents additional messages '],
    reason: 'temporary_failure',
    why: 'Gmail: a live mailbox receiving more mail than it takes, refused under the "disabled" status (support.google.com/a/answer/3726730)',
  },
  {
    enhanced: '5.2.121',
    all: [' per hour '],
    reason: 'temporary_failure',
    why: 'Exchange Online: a live mailbox over its hourly limit of messages from one sender; it speaks of "the recipient", so the control recipient would settle it as missing',
  },
  {
    enhanced: '5.2.122',
    all: [' per hour '],
    reason: 'temporary_failure',
    why: 'Exchange Online: a live mailbox over its hourly limit of messages received',
  },
  {
    enhanced: '5.7.504',
    all: [' recipient address rejected access denied '],
    reason: 'mailbox_not_found',
    why: 'Exchange Online: "The recipient address that you\'re attempting to contact isn\'t valid", under a policy code',
  },
  {
    enhanced: '5.7.505',
    all: [' banned recipient '],
    reason: 'mailbox_not_found',
    why: 'Exchange Online: "The recipient that you\'re attempting to contact isn\'t valid", under a policy code',
  },
  {
    enhanced: '5.7.1',
    all: [' policy rejection on the target address '],
    reason: 'mailbox_disabled',
    why: 'Yandex: the recipient\'s account is blocked for violating the user agreement, under a policy code',
  },
  {
    all: [' le compte du destinataire est bloque '],
    reason: 'mailbox_disabled',
    why: 'La Poste / Orange LPN007_426: the recipient account is blocked; "blocked" is otherwise a word about us',
  },
  {
    all: [' refused due to recipient preferences '],
    reason: 'blocked_by_server',
    why: 'Facebook RCP-P2: the recipient\'s preferences refuse us, under the code for an unknown mailbox (5.1.1)',
  },
  {
    all: [' content filter agent '],
    reason: 'blocked_by_server',
    why: 'Exchange: the message was quarantined by content filtering, under the code for a disabled mailbox (5.2.1)',
  },
  {
    all: [' recipient has exceeded message rate limit '],
    reason: 'temporary_failure',
    why: 'Yandex: the recipient receives too fast; the rate is theirs, not ours',
  },
  {
    all: [' organization queue quota exceeded '],
    reason: 'temporary_failure',
    why: 'Outlook.com: the receiving organisation is throttled; "quota exceeded" is not the mailbox\'s',
  },
  {
    enhanced: '4.7.700',
    all: [' pfa agent busy '],
    reason: 'temporary_failure',
    why: 'Exchange Online: its protection agent is overloaded, under a policy code',
  },
  {
    all: [' frequency of receiving messages is limited '],
    reason: 'temporary_failure',
    why: 'QQ: a live mailbox receiving too fast (Sisimai: speeding); QQ\'s "Ip frequency limited" is ours, this one the recipient\'s',
  },
  {
    enhanced: '5.3.2',
    all: [' service currently unavailable '],
    reason: 'blocked_by_server',
    why: 'Postfix postscreen: our IP is on its access list\'s blacklist, under the code for a system not accepting mail',
  },
  {
    enhanced: '5.7.1',
    all: [' xgemail 0011 '],
    reason: 'mailbox_not_found',
    why: 'Sophos Email: XGEMAIL_0011, the recipient does not exist, under a policy code',
  },
  {
    all: [' temporary dmarc dns lookup failure '],
    reason: 'temporary_failure',
    why: 'Rackspace G1E: its own DNS lookup failed for now; the word "DMARC" is otherwise about our authentication',
  },
  {
    all: [' submission quota exceeded '],
    reason: 'blocked_by_server',
    why: 'Exchange Online: our own quota of submitted mail, under the code for a full mailbox (5.2.2)',
  },
  {
    all: [' loops back to myself '],
    reason: 'temporary_failure',
    why: 'Postfix: the server\'s own configuration loops ("mail for … loops back to myself"), worded as an undeliverable address under 5.1.1',
  },
  {
    all: [' recipient temporarily unavailable ', ' mimecast '],
    reason: 'blocked_by_server',
    why: 'Mimecast 451: our IP is on its block list for too many invalid connections',
  },
];

/**
 * Words that make an ambiguous refusal speak of a mailbox (Outlook.com's "mailbox unavailable",
 * IronPort's "Address rejected"), read after MAILBOX_FRAMES are cut: Postfix frames every
 * recipient restriction, policy ones too, as "Recipient address rejected: <reason>".
 */
export const MAILBOX_WORDS = [' mailbox', ' user', ' recipient', ' address', ' account'] as const;
export const MAILBOX_FRAMES = [' recipient address rejected '] as const;

/** Refusals that say this MX takes no mail for the domain at all, for anyone (an open relay guard); refusals of us too. */
export const RELAY_DENIED_PATTERNS = [
  ' relay access denied ', ' relaying denied ', ' relay not permitted ', ' unable to relay ', ' relaying not allowed ',
  ' not in my list of allowed rcpthosts ', ' we do not relay ',
  // In other words (Symantec, cPanel, Sendmail, Trend Micro, Stalwart).
  ' relay denied ', ' not permitted to relay ', ' unauthorized relay ', ' domain of forward path is not allowed ',
  ' relay not allowed ', ' as a relay ',
] as const;

/**
 * A second domain's RCPT refused in a session another domain opened, by a server that binds a
 * session to its first domain (besides any 5.7.x or relay-denied refusal).
 */
export const FOREIGN_DOMAIN_PATTERNS = [' domain mismatch', ' relay'] as const;

/**
 * Blocks that name our address or reputation, which a provider shares across all its MX hosts:
 * backing off one host of it is not enough (see prober/pool/provider-backoff.ts).
 */
export const NAMES_OUR_IP_PATTERNS = [
  'spamhaus', 'spamcop', 'sorbs', 'abusix', 'dnsbl', 'senderbase', 'barracudacentral', ' rbl ',
  ' barracuda reputation ', ' blacklist ', ' blacklisted ', ' blocklist ', ' block list ', ' listed at ',
  ' listed on ', ' listed in ', ' banned sender ', ' banned sending ip ', ' your ip ', ' ip address ', ' sending ip ',
  ' client host ', ' reputation ', ' unusual rate ', ' unsolicited mail ', ' frequency limited ', ' complaints ',
  ' unexpected volume ', ' temporarily deferred due to ', ' rate limited ', ' not accepted from ', ' not in whitelist ',
  ' permanently deferred ', ' bad reputation ',
  // GoDaddy's hourly limits on a sending IP ("550 This IP has sent too many messages this hour. IB504"), Cisco's on a
  // sending host ("452 Too many recipients received this hour"), Trend Micro's ERS list of zombie IPs.
  ' this ip ', ' this hour ', ' zombie ',
  // Proofpoint's IP reputation lookup ("554 Blocked - see https://ipcheck.proofpoint.com/?ip=…"); a Chinese server's
  // checks of the connecting IP against the sender's domain and its lists ("556 remote ip check error.", "550 black ip.").
  ' ipcheck ', ' remote ip ', ' black ip ',
] as const;

/**
 * The sender side is refused: a blocklist, a policy, our address, name, rate or reputation, or
 * this MX's relay guard. Whole words (or a blocklist's own name), matched on text whose echoed
 * addresses are gone, so "<jane@policygenius.com>" or "<antispam@…>" says nothing about us.
 */
export const BLOCK_PATTERNS = [
  ...RELAY_DENIED_PATTERNS, ...NAMES_OUR_IP_PATTERNS,
  ' sbrs ', ' black list ', ' blocked ', ' banned ', ' spam ', ' antispam ', ' anti spam ', ' spammer ', ' spamming ',
  ' unsolicited ', ' policy ', ' policies ', ' access denied ', ' administratively denied ', ' from your location ',
  ' sender address rejected ', ' sender denied ', ' relaying ', ' not yet authorized ', ' reverse dns ', ' reverse hostname ',
  ' cannot find your hostname ', ' ptr record ', ' rdns ', ' helo command rejected ', ' unauthenticated ',
  ' authentication required ', ' spf ', ' dmarc ', ' dkim ', ' connection rejected ', ' junkmail ', ' sender verify ',
  ' rate limit ', ' content denied ', ' your message looks like ',
  // QQ's "550 Mail is rejected by recipients": the mailbox's own blacklist or filter refused us; the mailbox exists.
  ' rejected by recipient ', ' rejected by recipients ', ' rejected by the recipient ',
  // Mimecast's geography and TLS policies, QQ's and Barracuda's refusals of the sender, Orange's and Zoho's of the message.
  ' network not allowed ', ' requires encryption ', ' connection denied ', ' bounce attack', ' spoofed ', ' mail rejected ',
  ' mail rejete ', ' service refused ',
  // NetEase's spam verdict ("451 DT:SPM 163 …"), its lists of senders and IPs it refuses (WM:BLI, WM:BLU) and
  // its limits on IPs that sent to many missing recipients or too much (421 HL:REP, HL:MEP);
  // Yahoo's refusal of a MAIL FROM domain that does not resolve.
  ' dt spm ', ' wm bli ', ' wm blu ', ' hl rep ', ' hl mep ', ' hl ipb ', ' hl ihu ', ' hl icc ', ' hl ifq ', ' unresolvable rfc 5321 from domain ',
  // Proofpoint Essentials' "550 5.1.0 sender rejected"; Yahoo's "451 VS1-MF Excessive unknown recipients".
  ' sender rejected ', ' excessive unknown recipients ',
  // hMailServer's refusal of a sender's IP range.
  ' delivery is not allowed to this address ',
  // qmail chkuser: "511 sorry, can't find a valid MX for sender domain (#5.1.1 - chkuser)"; Orange's
  // "501 5.1.0 Emetteur invalide. Invalid Sender"; La Poste's "550 5.5.3 Mail from not owned by user".
  ' for sender domain ', ' invalid sender ', ' not owned by user ', ' sending ips ',
  // Daum's "550 5.2.1 DDENY …: The receiver denied your mail": a live mailbox refuses us, under the code for a disabled one.
  ' denied your mail ',
  // Our sending account or quota, in Google's and Microsoft's words ("Mail Sending denied … sender account is disabled",
  // "Daily sending quota exceeded", "daily limit for message recipients"); Zoho's "MailPolicy violation"; Yahoo's
  // "554 Message not allowed - [299]" and its reputation deferral "421 4.7.0 [GL01]".
  ' sending denied ', ' sender account ', ' sending quota ', ' daily limit ', ' mailpolicy ', ' message not allowed ', ' gl01 ',
  // Gateways' TLS and authentication policies (Mimecast, Symantec), Trend Micro's sender filtering.
  ' requires tls ', ' high strength ciphers ', ' failed to authenticate ', ' smtp authentication ', ' block temporarily ',
  // Exim's sender callout in its long form ("550-Verification failed for <x> / 550-Unrouteable address / 550 Sender
  // verification failed": the unrouteable address is ours), GoDaddy's IB506 on our From domain, IONOS's refusal of a
  // misconfigured sending server, HostGator's hour-long block of a sender it takes for a harvester.
  ' sender verification failed ', ' verification failed for ', ' from domain is invalid ', ' syntax error in parameters ',
  ' dictionary attack ',
  // Harvest guards: past a count of unknown recipients from our IP (per session or per hour) they refuse every later
  // RCPT, live mailboxes too, in words about the count (Cisco's DHAP "550 Too many invalid recipients", indimail's
  // "421 too many invalid addresses", a qmail patch's "553 too many bad recipients: sulking").
  ' too many invalid ', ' too many unknown ', ' too many bad recipients ', ' too many bad rcpt', ' too many unrecognized ',
  ' too many nonexistent ', ' too many non existent ', ' too many failed recipients ', ' harvest attack ', ' directory harvest ',
  // Exim's rate limit on our sender ("451 Sender rate exceeds …"), Haraka's karma and early-talker refusals, BellSouth's
  // refusals of a sending system it does not know ("requires valid sender domain", "unauthorized interface for <ip>").
  ' sender rate ', ' karma score ', ' talk too soon ', ' valid sender domain ', ' unauthorized interface ',
  // A Chinese server's checks of the sending host ("553 host denies the sender.", "554 smtpport check error.", "554 openrelay
  // check.", "553 fake router infomation.", "552 too many same size mails."); Forpsi's "naruszenie zasad" (policy violation).
  ' denies the sender ', ' denies relay ', ' smtpport check ', ' openrelay ', ' fake router ', ' same size mails ', ' naruszenie zasad ',
  // Our sender's domain and return address (Forpsi's "550 5.1.1 <id> invalid domain", whose recipient form is "invalid
  // destination domain"; IONOS's "invalid DNS MX or A/AAAA resource record"; Haraka's "No MX for your FROM address");
  // NetEase's DMARC and sender-list refusals (MI:DMA, MI:SPB).
  ' invalid domain ', ' sender must exist ', ' your return address ', ' no reverse lookup ', ' your from address ', ' invalid dns mx ',
  ' mi dma ', ' mi spb ',
  // cPanel's penalties and refusals of a host or an unauthenticated sender; HestiaCP's and IONOS's authentication; a PTR check.
  ' number of failed recipients exceeded ', ' requests from your host ', ' not allowed to connect ', ' please authenticate ',
  ' auth required ', ' must be authenticated ', ' bad dns ptr ',
] as const;

/** Our HELO/EHLO name was refused (Postfix reports HELO restrictions at RCPT with 504 5.5.2). */
export const HELO_PATTERNS = [' helo command rejected ', ' ehlo command rejected ', ' invalid helo ', ' bad helo ', ' helo name ', ' need fully qualified hostname ',
  ' helo ehlo argument is invalid ', ' helo should be ', ' helohost '] as const;

/** "Too many recipients": a new transaction is due, nothing is wrong with the address (RFC 5321 §4.5.3.1.10). */
export const RECIPIENT_LIMIT_PATTERNS = [
  ' too many recipients ', ' recipient limit ', ' too many rcpt ', ' recipients limit ', ' max recipients ', ' maximum number of recipients ',
] as const;
/** Enhanced "subject.detail" of the same meaning (RFC 3463 x.5.3). */
export const RECIPIENT_LIMIT_ENHANCED = '5.3';

/** The server wants fewer sessions or slower ones from us: come back later, not elsewhere. */
export const BUSY_PATTERNS = [
  ' too many connections ', ' too many sessions ', ' too many concurrent ', ' connection rate ', ' connection limit ',
  ' try again later ', ' server busy ', ' too busy ', ' maximum number of concurrent ',
] as const;

export const DISABLED_PATTERNS = [
  ' disabled ', ' inactive ', ' deactivated ', ' suspended ', ' locked ', ' discontinued ',
  ' no longer active ', ' account expired ', ' frozen ', ' not active ', ' account closed ', ' no longer valid ',
  ' archived recipient ', // La Poste's "550 5.5.0 Boite du destinataire archivee. Archived recipient."
] as const;

export const FULL_PATTERNS = [
  ' mailbox full ', ' mailbox is full ', ' inbox is full ', ' mailbox size limit ', 'over quota',
  'overquota', ' over its quota ', ' over the quota ', 'quota exceeded', 'exceeded quota', 'exceeds quota',
  'exceeded storage', ' quote exceeded ', ' insufficient storage ', ' out of storage ', ' storage full ',
  ' too many messages on ', ' mailbox exceeds ', ' full mailbox ', ' exhausted allowed storage ', ' speichervolumen ', ' quota violation ',
] as const;

/**
 * Text that says the mailbox is unknown. Not here: RFC 5321's generic "mailbox unavailable",
 * which servers also send for policy refusals; such a reply is ambiguous (see classify-reply.ts).
 */
export const NOT_FOUND_PATTERNS = [
  ' user unknown ', ' unknown user ', ' no such user ', ' no such recipient ', ' no such mailbox ',
  ' no mailbox ', ' mailbox not found ',
  ' recipient unknown ', ' unknown recipient ', ' invalid recipient ', ' recipient invalid ',
  ' invalid mailbox ', ' not a valid mailbox ', ' invalid address ', ' invalid email address ',
  ' does not exist ', ' doesnt exist ', ' dosnt exist ', ' not exist ', ' doesnt have a ',
  ' address unknown ', ' addressee unknown ', ' unrouteable address ', ' unroutable address ', ' user not found ',
  ' recipient not found ', ' address not found ', ' could not be found ', ' no such person ',
  ' unknown local part ', ' bad destination mailbox ', ' recipientnotfound ', ' unknown or illegal alias ',
  ' mailbox does not exist ', ' account does not exist ', ' not our customer ', ' address error ',
  ' no longer available ', ' user invalid ', ' is not handled ', ' undeliverable address ',
  ' not in recipient list ', // ZeroSpam's gateway: "554 5.7.1 … Recipient address rejected: Not in recipient list"
  ' marked as invalid ', // Proofpoint Essentials SMTP Discovery: "550 5.7.1 … User email address is marked as invalid"
  ' validrcptto ', // qmail's validrcptto patch: "553 sorry, this recipient is not in my validrcptto list (#5.7.1)"
  ' check all recipients of this message ', // cPanel: "550 The recipient cannot be verified.  Please check all recipients of this message …"
] as const;

/** Temporary for the server as a whole, whatever else the text says. */
export const SYSTEM_TEMPORARY_PATTERNS = [
  ' insufficient system storage ', ' system storage ', ' system resources ',
  // GoDaddy IB510: "exceeded the max number of messages per session. Open a new session and try again."
  ' open a new session ',
  // Exchange's "554 5.4.14 Hop count exceeded - possible mail loop": the route's fault, which may hit one recipient alone.
  ' hop count exceeded ', ' mail loop ',
] as const;

/** Greylisting by name: enough on any 4xx. */
export const GREYLIST_PATTERNS = [
  'greylist', 'graylist', ' grey listed ', ' gray listed ', ' grey listing ', ' gray listing ',
  ' not yet authorized to deliver mail ', // ddgrey, Exim's greylister
] as const;

/** "Come back later" wordings: greylisting only on 450/451 or the enhanced codes greylisters use. */
export const RETRY_LATER_PATTERNS = [
  ' try again later ', ' try later ', ' try again in ', ' please retry ', ' retry later ', ' retry in ',
  ' come back later ', ' temporarily deferred ', ' temporarily rejected ', ' deferred ', ' wait ',
] as const;
export const RETRY_LATER_CODES: ReadonlySet<number> = new Set([450, 451]);
export const GREYLIST_ENHANCED: ReadonlySet<string> = new Set(['4.7.1', '4.2.0', '4.7.0', '4.3.0', '4.7.26']);

/** Hints that a server refused SMTPUTF8 (RFC 6531), used only when the address needs it. */
export const SMTPUTF8_PATTERNS = ['smtputf8', ' utf8 ', ' utf 8 ', ' non ascii ', ' 8bit ', ' eai '] as const;

/** The text says the server hangs up after this reply. */
export const CLOSING_PATTERNS = [' closing connection ', ' closing transmission channel ', ' connection closed '] as const;

/**
 * What a reply code alone says, when neither the enhanced code nor the text decided. 550, 551,
 * 553 and 554 are sent for unknown mailboxes and for refusals of us alike: such a refusal is
 * ambiguous, and the control recipient settles it (prober/engine/control-recipient.ts).
 */
export const BARE_CODE_REASONS: ReadonlyMap<number, ReasonCode> = new Map([
  [550, 'ambiguous_refusal'],
  [551, 'ambiguous_refusal'],
  [553, 'ambiguous_refusal'],
  [554, 'ambiguous_refusal'],
  [552, 'mailbox_full'],
  [556, 'mailbox_not_found'], // RFC 7504: the recipient's domain accepts no mail
  [530, 'blocked_by_server'], // authentication / STARTTLS required of us
  [521, 'blocked_by_server'], // RFC 7504: this host accepts no mail
  [500, 'smtp_protocol_error'],
  [501, 'smtp_protocol_error'],
  [502, 'smtp_protocol_error'],
  [503, 'smtp_protocol_error'],
  [504, 'smtp_protocol_error'],
  [555, 'smtp_protocol_error'],
]);

/**
 * The preset dictionary results are deflated with at rest (packed-result.ts). A stored result
 * can only be read back with the very bytes it was written with, so this text never changes: a
 * better dictionary is a new one beside it, under a new prefix. A test pins its SHA-256.
 *
 * It is the text results are made of, invented (example.com, documentation addresses) rather
 * than taken from anyone's list: the JSON skeleton of a result, reason sentences, and the replies
 * of the mail servers lists mostly meet. Deflate copies from nearer text more cheaply, so what
 * nearly every result holds comes last.
 */
export const RESULT_DICTIONARY_V1 = [
  // Rarer reasons and replies.
  '"reasons":["The server refused the address without saying whether the mailbox or the sender was the problem, and the control recipient (postmaster@) could not settle it.",',
  '"The server kept answering \\"try later\\" until the retry budget ran out.","The job\'s max_wait passed while the server still answered \\"try later\\"; the last reply is kept.",',
  '"The MX points into private, loopback or reserved address space; refused for safety.","No MX host could be reached on the SMTP port.","The mail server did not answer in time.",',
  '"The provider is known to block verification probes; SMTP was skipped.","The provider accepts every recipient during SMTP; acceptance proves nothing.",',
  '"The address is well-formed; only its syntax was checked, so delivery is not known.","The address is not a valid RFC 5321 mailbox.",',
  '"The domain does not exist (NXDOMAIN).","The domain has no MX record and no address to use as an implicit MX.","The domain publishes a null MX (RFC 7505): it accepts no mail.",',
  '"A role address (postmaster, info, sales …), often a shared inbox or a list.","A disposable (throw-away) email domain.",',
  '"The mailbox exists but is full; mail will soft-bounce until it is emptied.","The mail server says the mailbox is disabled or inactive.",',
  '"The server asked to try again later (greylisting); the address is retried.","The server refused us (blocklist, policy or reputation), not the address.",',
  '"The server answered with a temporary failure.","The server answered: 450 4.2.0 <user@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html"',
  '"cause":"greylisted","retry_after_ms":300000,"outcome":"temporary","reason":"greylisted","outcome":"blocked","reason":"blocked_by_server",',
  '"lines":["5.7.1 Service unavailable, Client host [192.0.2.1] blocked using zen.spamhaus.org"]',
  '{"at_ms":12,"dir":"s","text":"220 mx.example.com Microsoft ESMTP MAIL Service ready at Mon, 1 Jan 2024 00:00:00 +0000"},',
  '{"at_ms":12,"dir":"s","text":"550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)"},',
  '{"at_ms":12,"dir":"s","text":"550-5.1.1 The email account that you tried to reach does not exist. Please try"},',
  '{"at_ms":12,"dir":"s","text":"550-5.1.1 double-checking the recipient\'s email address for typos or"},',
  '{"at_ms":12,"dir":"s","text":"550 5.1.1 unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser a1si1234567qkb.123 - gsmtp"},',
  '{"at_ms":12,"dir":"s","text":"250 2.1.5 OK a1si1234567qkb.123 - gsmtp"},{"at_ms":12,"dir":"s","text":"220 mx.google.com ESMTP a1si1234567qkb.123 - gsmtp"},',
  '{"at_ms":12,"dir":"s","text":"250-mx.google.com at your service, [192.0.2.1]"},{"at_ms":12,"dir":"s","text":"250-SIZE 157286400"},{"at_ms":12,"dir":"s","text":"250-CHUNKING"},',
  '"catch_all":{"status":"unknown","cached":true,"status":"yes","cached":false,',
  '"verdict":"unknown","reason":"smtp_unreachable","verdict":"risky","reason":"catch_all","score":0.55,',
  '"reasons":["The domain accepts every address, so this one cannot be confirmed.","The server answered: 250 2.1.5 Ok"],',
  // What almost every result holds: an undeliverable and a deliverable one, through Postfix.
  '{"email":"nobody@example.com","normalized":"nobody@example.com","verdict":"undeliverable","reason":"mailbox_not_found","score":0.02,',
  '"reasons":["The mail server says the mailbox does not exist.","The server answered: 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table"],',
  '"smtp":{"outcome":"rejected","reason":"mailbox_not_found","reply":{"code":550,"enhanced":"5.1.1","lines":["5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table"]},',
  '{"email":"someone@example.com","normalized":"someone@example.com","verdict":"deliverable","reason":"accepted","score":0.95,',
  '"reasons":["The mail server accepted the recipient.","The server answered: 250 2.1.5 Ok"],',
  '"checks":{"syntax":{"valid":true,"normalized":"someone@example.com","local_part":"someone","domain":"example.com",',
  '"flags":{"address_literal":false,"smtputf8":false,"role":false,"disposable":false,"free_provider":false}},',
  '"dns":{"domain":"example.com","rule":"mx","hosts":[{"host":"mx.example.com","preference":10,"addresses":["192.0.2.10"],"refused":[]}],"ttl":300,',
  '"records":[{"name":"example.com","type":"MX","ttl":300,"data":"10 mx.example.com"},{"name":"mx.example.com","type":"A","ttl":300,"data":"192.0.2.10"}],"cnames":[]},',
  '"smtp":{"outcome":"accepted","reason":"accepted","mx_host":"mx.example.com","mx_address":"192.0.2.10","reply":{"code":250,"enhanced":"2.1.5","lines":["2.1.5 Ok"]},"tls":true,',
  '"transcript":[{"at_ms":31,"dir":"i","text":"connected to 192.0.2.10:25 (mx.example.com)"},{"at_ms":118,"dir":"s","text":"220 mx.example.com ESMTP Postfix"},',
  '{"at_ms":118,"dir":"c","text":"EHLO prober.example.net"},{"at_ms":220,"dir":"s","text":"250-mx.example.com"},{"at_ms":220,"dir":"s","text":"250-PIPELINING"},',
  '{"at_ms":220,"dir":"s","text":"250-SIZE 10240000"},{"at_ms":220,"dir":"s","text":"250-VRFY"},{"at_ms":220,"dir":"s","text":"250-ETRN"},{"at_ms":220,"dir":"s","text":"250-STARTTLS"},',
  '{"at_ms":220,"dir":"s","text":"250-ENHANCEDSTATUSCODES"},{"at_ms":220,"dir":"s","text":"250-8BITMIME"},{"at_ms":220,"dir":"s","text":"250-DSN"},{"at_ms":220,"dir":"s","text":"250 SMTPUTF8"},',
  '{"at_ms":220,"dir":"c","text":"STARTTLS"},{"at_ms":321,"dir":"s","text":"220 2.0.0 Ready to start TLS"},{"at_ms":455,"dir":"i","text":"TLS established"},',
  '{"at_ms":455,"dir":"c","text":"EHLO prober.example.net"},{"at_ms":556,"dir":"s","text":"250-mx.example.com"},{"at_ms":556,"dir":"s","text":"250-PIPELINING"},',
  '{"at_ms":556,"dir":"s","text":"250-SIZE 10240000"},{"at_ms":556,"dir":"s","text":"250-ENHANCEDSTATUSCODES"},{"at_ms":556,"dir":"s","text":"250-8BITMIME"},{"at_ms":556,"dir":"s","text":"250 SMTPUTF8"},',
  '{"at_ms":556,"dir":"c","text":"MAIL FROM:<verify@prober.example.net>"},{"at_ms":702,"dir":"s","text":"250 2.1.0 Ok"},',
  '{"at_ms":556,"dir":"c","text":"RCPT TO:<someone@example.com>"},{"at_ms":702,"dir":"s","text":"250 2.1.5 Ok"}]},',
  '"catch_all":{"status":"no","cached":false,"mx_host":"mx.example.com"},"signals":[{"source":"breach_feed","name":"breached","ok":true,"value":false}]},',
  '"cached":false,"checked_at":"2026-01-01T00:00:00.000Z"}',
].join('');

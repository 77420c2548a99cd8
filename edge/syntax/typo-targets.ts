/**
 * Domains people mistype most: the large mailbox providers. A domain in this list is never
 * "corrected" (mail.com is not a typo of gmail.com), so real neighbours belong here too.
 */
export const PROVIDER_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com', 'google.com',
  'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.it', 'yahoo.es', 'yahoo.ca', 'yahoo.co.jp', 'yahoo.com.br',
  'ymail.com', 'rocketmail.com',
  'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es',
  'outlook.com', 'outlook.de', 'outlook.fr', 'live.com', 'live.co.uk', 'live.fr', 'live.de', 'msn.com',
  'icloud.com', 'me.com', 'mac.com',
  'aol.com', 'aim.com',
  'gmx.de', 'gmx.net', 'gmx.com', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de', 'online.de', 'arcor.de',
  'yandex.ru', 'yandex.com', 'ya.ru', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'rambler.ru',
  'protonmail.com', 'protonmail.ch', 'proton.me', 'pm.me', 'tutanota.com', 'tuta.io', 'fastmail.com', 'zoho.com',
  'mail.com', 'email.com', 'gmx.us', 'hey.com', 'mailbox.org', 'posteo.de',
  'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net', 'earthlink.net',
  'btinternet.com', 'sky.com', 'virginmedia.com', 'ntlworld.com', 'talktalk.net',
  'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr', 'laposte.net',
  'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it',
  'qq.com', '163.com', '126.com', 'naver.com', 'daum.net',
  'wp.pl', 'o2.pl', 'onet.pl', 'interia.pl', 'seznam.cz', 'uol.com.br', 'bol.com.br', 'terra.com.br',
  'bigpond.com', 'optusnet.com.au', 'shaw.ca', 'rogers.com', 'sympatico.ca',
];

/**
 * Top-level labels that exist in no root zone and sit one slip from a common one. Only
 * non-existent TLDs belong here: `.co`, `.cm` and `.om` are real countries.
 */
export const TLD_TYPOS: Readonly<Record<string, string>> = {
  con: 'com', cmo: 'com', ocm: 'com', cpm: 'com', xom: 'com', vom: 'com', comm: 'com', coom: 'com', cim: 'com',
  clm: 'com', cok: 'com', conm: 'com', ccom: 'com', comn: 'com', 'c0m': 'com',
  nte: 'net', ner: 'net', nett: 'net', ney: 'net', nrt: 'net',
  ogr: 'org', orgg: 'org', prg: 'org', otg: 'org',
  ed: 'de', dee: 'de',
};

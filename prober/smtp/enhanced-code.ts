/**
 * RFC 3463 enhanced status codes ("5.1.1") as servers write them (RFC 2034): at the start of a
 * reply line's text, or qmail's "(#5.1.1)" anywhere in it. The reply parser may use this to fill
 * `SmtpReply.enhanced`; the classifier uses it when the parser left the field empty.
 */
export interface EnhancedCode {
  cls: 2 | 4 | 5;
  subject: number;
  detail: number;
}

// Anchored and without nested quantifiers: linear on any input.
const CODE = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
const REPLY_PREFIX = /^\d{3}[ -]?/;

export function parseEnhancedCode(code: string): EnhancedCode | undefined {
  const m = CODE.exec(code);
  if (!m) return undefined;
  return { cls: Number(m[1]) as 2 | 4 | 5, subject: Number(m[2]), detail: Number(m[3]) };
}

/**
 * The enhanced code a reply line carries, or undefined. `line` may still begin with the reply
 * code ("550-5.1.1 …") or be the text after it ("5.1.1 …"). When `replyCode` is given, the code's
 * class must agree with the reply's first digit, as RFC 2034 requires.
 */
export function enhancedCodeOf(line: string, replyCode?: number): string | undefined {
  const text = line.slice(0, 1024).replace(REPLY_PREFIX, '');
  const tokens = text.split(' ');
  const candidates = [tokens[0] ?? '', ...tokens.filter((t) => t.startsWith('(#') || t.startsWith('#'))];
  for (const token of candidates) {
    const bare = trimHash(token);
    const parsed = parseEnhancedCode(bare);
    if (parsed && (replyCode === undefined || Math.floor(replyCode / 100) === parsed.cls)) return bare;
  }
  return undefined;
}

function trimHash(token: string): string {
  let t = token;
  if (t.startsWith('(')) t = t.slice(1);
  if (t.startsWith('#')) t = t.slice(1);
  while (t.endsWith(')') || t.endsWith('.') || t.endsWith(',') || t.endsWith(';')) t = t.slice(0, -1);
  return t;
}

import { z } from 'zod';
import { SMTP_TLS, type SmtpTls } from '../protocol/smtp-tls.ts';

/**
 * The edge's (and the CLI's) settings, read from the environment once at start-up. Every
 * value is checked here so a typo fails at boot with a message naming the variable, never
 * later in the middle of a request. The BZ_* names of ARCHITECTURE.md are fixed; the rest
 * are ours and documented beside each field.
 */
export interface Config {
  /** BZ_HOST: address the edge listens on. Loopback by default: exposing it is a decision. */
  host: string;
  /** BZ_PORT */
  port: number;
  /** BZ_DB: SQLite file or `:memory:`, or a postgres:// URL (edge/adapters/open-store.ts). */
  db: string;
  /** BZ_DOH: DoH endpoints, tried in order. */
  doh: string[];
  /** BZ_SMTP_PORT: the port probers dial on MX hosts. */
  smtpPort: number;
  /** BZ_ALLOW_NETS: CIDRs MX addresses may be in despite the private-address guard. */
  allowNets: string[];
  /** BZ_HELO_NAME / BZ_MAIL_FROM: unset means "derive from the agent's host name". */
  heloName: string | undefined;
  mailFrom: string | undefined;
  /** BZ_PLUGINS_DIR */
  pluginsDirs: string[];
  /** BZ_API_KEY: accepted as given, beside the stored keys. */
  apiKey: string | undefined;
  /**
   * Politeness and patience of the prober's SMTP engine, per MX address: BZ_SMTP_MAX_SESSIONS
   * (concurrent, default 2), BZ_SMTP_SESSIONS_PER_MINUTE (new sessions, default 30), and the
   * per-phase timeouts BZ_SMTP_CONNECT_TIMEOUT_MS / BZ_SMTP_BANNER_TIMEOUT_MS / BZ_SMTP_COMMAND_TIMEOUT_MS;
   * BZ_SMTP_TLS: 'opportunistic' (STARTTLS when offered, the default) or 'off' (three round trips
   * less per session, the envelope in clear).
   */
  smtp: { maxSessions: number; sessionsPerMinute: number; connectTimeoutMs: number; bannerTimeoutMs: number; commandTimeoutMs: number; tls: SmtpTls };
  /** BZ_SOCKS5: socks5://[user:pass@]host:port (or host:port) of a SOCKS5 proxy for the prober's MX connections. */
  socks5: string | undefined;
  /** BZ_DOCTOR_HOSTS: host:port list; empty turns the port-25 self-check off. */
  doctorHosts: string[];
  /** BZ_DNSBL_ZONES: empty turns the blocklist self-check off. */
  dnsblZones: string[];
  /** BZ_VERIFY_DEADLINE_MS: how long POST /v1/verify waits before answering deadline_exceeded. */
  verifyDeadlineMs: number;
  /** BZ_ALLOW_ANONYMOUS_LOCAL: callers on loopback need no API key (a request relayed by an untrusted proxy is not local). */
  allowAnonymousLocal: boolean;
  /** BZ_TRUST_PROXY: addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed; none by default. */
  trustProxy: string[];
  /**
   * BZ_ANONYMOUS_CHECKS: single checks (POST /v1/verify, the page's form) per hour per client
   * address without a key; 0 (the default) means keys only. BZ_ANONYMOUS_CHECKS_TOTAL caps them
   * per hour from everyone together. Bulk jobs always need a key.
   */
  anonymousChecks: { perHour: number; totalPerHour: number };
  /** BZ_AUTH_FAILURES_PER_MINUTE: wrong API keys one client address may present per minute before 429; 0 turns it off. */
  authFailuresPerMinute: number;
  /** BZ_RATE_LIMIT_RPS / BZ_RATE_LIMIT_BURST: token bucket per API key; rps 0 turns it off. */
  rateLimit: { perSecond: number; burst: number };
  /** BZ_BODY_LIMIT_BYTES (JSON calls) / BZ_UPLOAD_LIMIT_BYTES (job uploads). */
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** Result-cache lifetimes in seconds, by verdict (BZ_CACHE_TTL_S for deliverable/undeliverable). */
  cacheTtl: { known: number; risky: number; unknown: number };
}

export type ConfigLoad = { ok: true; config: Config } | { ok: false; error: string };

/** Defaults only: tests always pass their own loopback endpoints. */
export const DEFAULT_DOH = ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'];
export const DEFAULT_DOCTOR_HOSTS = ['gmail-smtp-in.l.google.com:25', 'mx1.hotmail.com:25', 'mta5.am0.yahoodns.net:25'];
export const DEFAULT_DNSBL_ZONES = ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org'];

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off', ''];

type Ctx = z.core.$RefinementCtx<string | undefined>;

function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

function int(def: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const s = raw?.trim() ?? '';
      if (s === '') return def;
      const n = /^\d+$/.test(s) ? Number(s) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) return fail(ctx, `expected a whole number from ${min} to ${max}, got "${s}"`);
      return n;
    });
}

function bool(def: boolean) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return def;
      const s = raw.trim().toLowerCase();
      if (TRUE.includes(s)) return true;
      if (FALSE.includes(s)) return false;
      return fail(ctx, `expected 1/0, true/false, yes/no or on/off, got "${raw}"`);
    });
}

function text(def?: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const s = raw?.trim() ?? '';
      if (/[\x00-\x1f\x7f]/.test(s)) return fail(ctx, 'must not contain control characters');
      return s === '' ? def : s;
    });
}

/** A comma list. Unset takes the default; set but empty means "none" (turns a feature off). */
function list(def: string[], check?: (item: string) => string | null) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return def;
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
      for (const item of items) {
        const problem = check?.(item) ?? (/[\x00-\x1f\x7f]/.test(item) ? 'contains control characters' : null);
        if (problem) return fail(ctx, `"${item}" ${problem}`);
      }
      return items;
    });
}

function httpUrl(item: string): string | null {
  if (!URL.canParse(item)) return 'is not a URL';
  const url = new URL(item);
  return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'is not an http(s) URL';
}

function cidr(item: string): string | null {
  const [addr = '', bits, extra] = item.split('/');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  const isV4 = v4 !== null && v4.slice(1).every((o) => Number(o) <= 255);
  const isV6 = !isV4 && /^[0-9a-f:.]+$/i.test(addr) && addr.includes(':');
  if (!isV4 && !isV6) return 'is not an IPv4 or IPv6 network (a.b.c.d/n)';
  const max = isV4 ? 32 : 128;
  if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > max) return `needs a prefix length /0–/${max}`;
  return null;
}

/** socks5://user:pass@host:port or host:port; the message never repeats the value (it may hold a password). */
function socks5Url(value: string): string | null {
  if (!value.includes('://')) return hostPort(value);
  if (!URL.canParse(value)) return 'is not a socks5:// URL';
  const url = new URL(value);
  if (url.protocol !== 'socks5:') return 'must start with socks5://';
  if (url.port === '' || url.pathname.replace(/^\/$/, '') !== '' || url.search || url.hash) return 'must be socks5://[user:pass@]host:port';
  return null;
}

/** A bare address stands for itself (/32 or /128). */
function addressOrCidr(item: string): string | null {
  if (item.includes('/')) return cidr(item);
  return cidr(`${item}/${item.includes(':') ? 128 : 32}`) === null ? null : 'is not an IPv4 or IPv6 address or network';
}

function hostPort(item: string): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(item);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 65535 ? null : 'is not host:port';
}

const DAY = 86_400;

const EnvSchema = z.object({
  BZ_HOST: text('127.0.0.1'),
  BZ_PORT: int(8080, 0, 65535),
  BZ_DB: text('./data/bouncezero.db'),
  BZ_DOH: list(DEFAULT_DOH, httpUrl).refine((l) => l.length > 0, 'needs at least one DoH endpoint URL'),
  BZ_SMTP_PORT: int(25, 1, 65535),
  BZ_ALLOW_NETS: list([], cidr),
  BZ_HELO_NAME: text(),
  BZ_MAIL_FROM: text(),
  BZ_PLUGINS_DIR: list([]),
  // Guessable keys defeat the failure throttle: as long as a generated key's random part at least.
  BZ_API_KEY: text().refine((k) => k === undefined || k.length >= 32, 'must be at least 32 characters (`bouncezero key add` makes one)'),
  BZ_SOCKS5: text().refine((s) => s === undefined || socks5Url(s) === null, 'is not socks5://[user:pass@]host:port'),
  BZ_DOCTOR_HOSTS: list(DEFAULT_DOCTOR_HOSTS, hostPort),
  BZ_DNSBL_ZONES: list(DEFAULT_DNSBL_ZONES),
  BZ_VERIFY_DEADLINE_MS: int(15_000, 100, 10 * 60_000),
  BZ_SMTP_MAX_SESSIONS: int(2, 1, 100),
  BZ_SMTP_SESSIONS_PER_MINUTE: int(30, 1, 100_000),
  BZ_SMTP_CONNECT_TIMEOUT_MS: int(10_000, 100, 120_000),
  BZ_SMTP_BANNER_TIMEOUT_MS: int(15_000, 100, 300_000),
  BZ_SMTP_COMMAND_TIMEOUT_MS: int(15_000, 100, 300_000),
  BZ_SMTP_TLS: z.enum(SMTP_TLS).default('opportunistic'),
  BZ_ALLOW_ANONYMOUS_LOCAL: bool(false),
  BZ_TRUST_PROXY: list([], addressOrCidr),
  BZ_AUTH_FAILURES_PER_MINUTE: int(10, 0, 1_000_000),
  BZ_ANONYMOUS_CHECKS: int(0, 0, 1_000_000),
  BZ_ANONYMOUS_CHECKS_TOTAL: int(1_000, 1, 100_000_000),
  BZ_RATE_LIMIT_RPS: int(10, 0, 1_000_000),
  BZ_RATE_LIMIT_BURST: int(20, 1, 1_000_000),
  BZ_BODY_LIMIT_BYTES: int(16 * 1024, 256, 64 * 1024 * 1024),
  BZ_UPLOAD_LIMIT_BYTES: int(64 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
  BZ_CACHE_TTL_S: int(7 * DAY, 0, 365 * DAY),
  BZ_CACHE_TTL_RISKY_S: int(DAY, 0, 365 * DAY),
  BZ_CACHE_TTL_UNKNOWN_S: int(600, 0, 365 * DAY),
});

/** Parses the environment; never throws. Every bad variable is named in the error, one per line. */
export function loadConfig(env: Record<string, string | undefined>): ConfigLoad {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    return { ok: false, error: `invalid configuration:\n${lines.join('\n')}` };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      host: e.BZ_HOST ?? '127.0.0.1',
      port: e.BZ_PORT,
      db: e.BZ_DB ?? './data/bouncezero.db',
      doh: e.BZ_DOH,
      smtpPort: e.BZ_SMTP_PORT,
      allowNets: e.BZ_ALLOW_NETS,
      heloName: e.BZ_HELO_NAME,
      mailFrom: e.BZ_MAIL_FROM,
      pluginsDirs: e.BZ_PLUGINS_DIR,
      apiKey: e.BZ_API_KEY,
      socks5: e.BZ_SOCKS5,
      doctorHosts: e.BZ_DOCTOR_HOSTS,
      dnsblZones: e.BZ_DNSBL_ZONES,
      verifyDeadlineMs: e.BZ_VERIFY_DEADLINE_MS,
      smtp: {
        maxSessions: e.BZ_SMTP_MAX_SESSIONS,
        sessionsPerMinute: e.BZ_SMTP_SESSIONS_PER_MINUTE,
        connectTimeoutMs: e.BZ_SMTP_CONNECT_TIMEOUT_MS,
        bannerTimeoutMs: e.BZ_SMTP_BANNER_TIMEOUT_MS,
        commandTimeoutMs: e.BZ_SMTP_COMMAND_TIMEOUT_MS,
        tls: e.BZ_SMTP_TLS,
      },
      allowAnonymousLocal: e.BZ_ALLOW_ANONYMOUS_LOCAL,
      trustProxy: e.BZ_TRUST_PROXY,
      authFailuresPerMinute: e.BZ_AUTH_FAILURES_PER_MINUTE,
      anonymousChecks: { perHour: e.BZ_ANONYMOUS_CHECKS, totalPerHour: e.BZ_ANONYMOUS_CHECKS_TOTAL },
      rateLimit: { perSecond: e.BZ_RATE_LIMIT_RPS, burst: e.BZ_RATE_LIMIT_BURST },
      bodyLimitBytes: e.BZ_BODY_LIMIT_BYTES,
      uploadLimitBytes: e.BZ_UPLOAD_LIMIT_BYTES,
      cacheTtl: { known: e.BZ_CACHE_TTL_S, risky: e.BZ_CACHE_TTL_RISKY_S, unknown: e.BZ_CACHE_TTL_UNKNOWN_S },
    },
  };
}

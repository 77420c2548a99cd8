import { defineSettings, hostPort, int, list, oneOf, socks5Url, text, SHARED_SETTINGS, type Env } from '../protocol/settings/index.ts';
import { SMTP_TLS, type SmtpTls } from '../protocol/smtp-tls.ts';

export const DEFAULT_DOCTOR_HOSTS = ['gmail-smtp-in.l.google.com:25', 'mx1.hotmail.com:25', 'mta5.am0.yahoodns.net:25'];
export const DEFAULT_DNSBL_ZONES = ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org'];

/**
 * The prober's settings, declared once (the edge has its own in edge/config.ts). Politeness
 * and patience are per MX address.
 */
export const PROBER_SETTINGS = defineSettings('Prober', {
  BZ_SMTP_PORT: int({ meaning: 'port the prober dials on MX hosts', default: 25, min: 1, max: 65535 }),
  ...SHARED_SETTINGS,
  BZ_HELO_NAME: text({ meaning: 'name given in EHLO/HELO', shown: "the agent's host name" }),
  BZ_MAIL_FROM: text({ meaning: 'address given in MAIL FROM', shown: 'verify@ the HELO name' }),
  BZ_PLUGINS_DIR: list({ meaning: 'extra plugin directories, comma-separated (built-ins always load)', default: [], shown: 'none' }),
  BZ_SOCKS5: text({ meaning: 'SOCKS5 proxy the prober dials MX hosts through: socks5://[user:pass@]host:port or host:port', check: socks5Url, mask: 'url-password' }),
  BZ_DOCTOR_HOSTS: list({ meaning: "host:port list the prober's port-25 self-check dials; empty turns that check off", default: DEFAULT_DOCTOR_HOSTS, shown: "a few large providers' MX hosts", check: hostPort }),
  BZ_DNSBL_ZONES: list({ meaning: "DNS blocklist zones the prober's self-check looks its egress address up in; empty turns it off", default: DEFAULT_DNSBL_ZONES, shown: 'a few widely used zones' }),
  BZ_SMTP_MAX_SESSIONS: int({ meaning: 'concurrent SMTP sessions per MX address', default: 2, min: 1, max: 100 }),
  BZ_SMTP_SESSIONS_PER_MINUTE: int({ meaning: 'new SMTP sessions per minute per MX address', default: 30, min: 1, max: 100_000 }),
  BZ_SMTP_CONNECT_TIMEOUT_MS: int({ meaning: 'TCP connect timeout to an MX', default: 10_000, min: 100, max: 120_000 }),
  BZ_SMTP_BANNER_TIMEOUT_MS: int({ meaning: "wait for an MX's greeting; a host that sends none in time is remembered as a tarpit for hours and tried last", default: 45_000, min: 100, max: 300_000 }),
  BZ_SMTP_COMMAND_TIMEOUT_MS: int({ meaning: 'wait for the reply to each SMTP command other than MAIL and RCPT', default: 15_000, min: 100, max: 300_000 }),
  BZ_SMTP_RCPT_TIMEOUT_MS: int({ meaning: 'wait for the reply to MAIL and RCPT (servers that verify by callout answer after 20–30 s)', default: 60_000, min: 100, max: 300_000 }),
  BZ_SMTP_TLS: oneOf({
    meaning: '`opportunistic`: STARTTLS when the server offers it (three round trips more per session; the envelope hidden from the path); `off`: never, addresses cross the network in clear',
    values: SMTP_TLS,
    default: 'opportunistic',
  }),
});

export interface ProberSettings {
  smtpPort: number;
  allowNets: string[];
  /** Unset means "derive from the agent's host name" (prober/adapters/system-identity.ts). */
  heloName: string | undefined;
  mailFrom: string | undefined;
  pluginsDirs: string[];
  socks5: string | undefined;
  doctorHosts: string[];
  dnsblZones: string[];
  smtp: { maxSessions: number; sessionsPerMinute: number; connectTimeoutMs: number; bannerTimeoutMs: number; commandTimeoutMs: number; rcptTimeoutMs: number; tls: SmtpTls };
}

export type ProberSettingsLoad = { ok: true; settings: ProberSettings } | { ok: false; error: string };

/** Parses the environment; never throws. Every bad variable is named in the error, one per line. */
export function loadProberSettings(env: Env): ProberSettingsLoad {
  const parsed = PROBER_SETTINGS.parse(env);
  if (!parsed.ok) return parsed;
  const e = parsed.values;
  return {
    ok: true,
    settings: {
      smtpPort: e.BZ_SMTP_PORT,
      allowNets: e.BZ_ALLOW_NETS,
      heloName: e.BZ_HELO_NAME,
      mailFrom: e.BZ_MAIL_FROM,
      pluginsDirs: e.BZ_PLUGINS_DIR,
      socks5: e.BZ_SOCKS5,
      doctorHosts: e.BZ_DOCTOR_HOSTS,
      dnsblZones: e.BZ_DNSBL_ZONES,
      smtp: {
        maxSessions: e.BZ_SMTP_MAX_SESSIONS,
        sessionsPerMinute: e.BZ_SMTP_SESSIONS_PER_MINUTE,
        connectTimeoutMs: e.BZ_SMTP_CONNECT_TIMEOUT_MS,
        bannerTimeoutMs: e.BZ_SMTP_BANNER_TIMEOUT_MS,
        commandTimeoutMs: e.BZ_SMTP_COMMAND_TIMEOUT_MS,
        rcptTimeoutMs: e.BZ_SMTP_RCPT_TIMEOUT_MS,
        tls: e.BZ_SMTP_TLS,
      },
    },
  };
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_DOH, loadConfig } from '../../../edge/config.ts';
import { loadProberSettings } from '../../../prober/settings.ts';

describe('loadConfig', () => {
  it('fills the documented defaults from an empty environment', () => {
    const r = loadConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.port).toBe(8080);
    expect(r.config.db).toBe('./data/bouncezero.db');
    expect(r.config.doh).toEqual(DEFAULT_DOH);
    expect(r.config.allowNets).toEqual([]);
    expect(r.config.verifyDeadlineMs).toBe(15_000);
    expect(r.config.allowAnonymousLocal).toBe(false);
    expect(r.config.apiKey).toBeUndefined();
    const p = loadProberSettings({});
    expect(p.ok && p.settings.smtpPort).toBe(25);
    expect(p.ok && p.settings.allowNets).toEqual([]);
  });

  it('reads lists, booleans and numbers', () => {
    const r = loadConfig({
      BZ_PORT: '9090',
      BZ_DOH: ' http://127.0.0.1:8053/dns-query , http://127.0.0.2:8053/dns-query',
      BZ_ALLOW_NETS: '127.0.0.0/8,::1/128',
      BZ_ALLOW_ANONYMOUS_LOCAL: 'yes',
      BZ_API_KEY: 'k-0123456789abcdefghijklmnopqrstuv',
      BZ_CACHE_TTL_UNKNOWN_S: '5',
    });
    expect(r.ok && r.config).toMatchObject({
      port: 9090,
      doh: ['http://127.0.0.1:8053/dns-query', 'http://127.0.0.2:8053/dns-query'],
      allowNets: ['127.0.0.0/8', '::1/128'],
      allowAnonymousLocal: true,
      apiKey: 'k-0123456789abcdefghijklmnopqrstuv',
      cacheTtl: { unknown: 5 },
    });
  });

  it('refuses an API key shorter than 32 characters and reads the trusted proxies', () => {
    const short = loadConfig({ BZ_API_KEY: 'k'.repeat(31) });
    expect(!short.ok && short.error).toMatch(/BZ_API_KEY: must be at least 32 characters/);
    const r = loadConfig({ BZ_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16, ::1' });
    expect(r.ok && r.config.trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', '::1']);
    const defaults = loadConfig({});
    expect(defaults.ok && defaults.config).toMatchObject({ trustProxy: [], authFailuresPerMinute: 10 });
    const bad = loadConfig({ BZ_TRUST_PROXY: 'proxy.example' });
    expect(!bad.ok && bad.error).toMatch(/BZ_TRUST_PROXY: "proxy.example" is not an IPv4 or IPv6 address/);
  });

  it('treats a set-but-empty list as "none", unlike an unset one', () => {
    const r = loadProberSettings({ BZ_DOCTOR_HOSTS: '', BZ_DNSBL_ZONES: '' });
    expect(r.ok && [r.settings.doctorHosts, r.settings.dnsblZones]).toEqual([[], []]);
    const d = loadProberSettings({});
    expect(d.ok && d.settings.doctorHosts.length).toBeGreaterThan(0);
  });

  it('names every bad variable with what was wrong (edge and prober settings alike)', () => {
    const env = {
      BZ_PORT: 'eighty',
      BZ_DOH: 'ftp://x',
      BZ_ALLOW_NETS: '10.0.0.0/33',
      BZ_ALLOW_ANONYMOUS_LOCAL: 'maybe',
      BZ_SOCKS5: 'nohost',
      BZ_HELO_NAME: 'a\r\nb',
    };
    const loads = [loadConfig(env), loadProberSettings(env)];
    expect(loads.map((l) => l.ok)).toEqual([false, false]);
    const error = loads.map((l) => (l.ok ? '' : l.error)).join('\n');
    for (const name of ['BZ_PORT', 'BZ_DOH', 'BZ_ALLOW_NETS', 'BZ_ALLOW_ANONYMOUS_LOCAL', 'BZ_SOCKS5', 'BZ_HELO_NAME']) {
      expect(error).toContain(name);
    }
    expect(error).toContain('"eighty"');
  });

  it('reads the SMTP politeness limits and timeouts, with polite defaults', () => {
    const d = loadProberSettings({});
    expect(d.ok && d.settings.smtp).toEqual({ maxSessions: 2, sessionsPerMinute: 30, connectTimeoutMs: 10_000, bannerTimeoutMs: 45_000, commandTimeoutMs: 15_000, rcptTimeoutMs: 60_000, tls: 'opportunistic' });
    const r = loadProberSettings({ BZ_SMTP_MAX_SESSIONS: '4', BZ_SMTP_SESSIONS_PER_MINUTE: '600', BZ_SMTP_COMMAND_TIMEOUT_MS: '2000' });
    expect(r.ok && r.settings.smtp).toMatchObject({ maxSessions: 4, sessionsPerMinute: 600, commandTimeoutMs: 2000 });
    expect(loadProberSettings({ BZ_SMTP_MAX_SESSIONS: '0' }).ok).toBe(false);
    const off = loadProberSettings({ BZ_SMTP_TLS: 'off' });
    expect(off.ok && off.settings.smtp.tls).toBe('off');
    const bad = loadProberSettings({ BZ_SMTP_TLS: 'required' });
    expect(!bad.ok && bad.error).toMatch(/BZ_SMTP_TLS/);
  });

  it('takes BZ_SOCKS5 as a socks5:// URL with credentials, and never repeats it in an error', () => {
    const ok = loadProberSettings({ BZ_SOCKS5: 'socks5://bz:s3cret@127.0.0.1:1080' });
    expect(ok.ok && ok.settings.socks5).toBe('socks5://bz:s3cret@127.0.0.1:1080');
    expect(loadProberSettings({ BZ_SOCKS5: '127.0.0.1:1080' }).ok).toBe(true);
    for (const bad of ['http://bz:s3cret@127.0.0.1:1080', 'socks5://bz:s3cret@127.0.0.1', 'socks5://bz:s3cret@127.0.0.1:1080/x']) {
      const r = loadProberSettings({ BZ_SOCKS5: bad });
      expect(r.ok, bad).toBe(false);
      expect(r.ok ? '' : r.error).not.toContain('s3cret');
    }
  });

  it('refuses an empty DoH list: the edge cannot resolve anything without one', () => {
    const r = loadConfig({ BZ_DOH: ' , ' });
    expect(r.ok).toBe(false);
  });
});

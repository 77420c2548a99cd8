import { describe, expect, it } from 'vitest';
import { DEFAULT_DOH, loadConfig } from '../../../edge/config.ts';

describe('loadConfig', () => {
  it('fills the documented defaults from an empty environment', () => {
    const r = loadConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.port).toBe(8080);
    expect(r.config.db).toBe('./data/bouncezero.db');
    expect(r.config.doh).toEqual(DEFAULT_DOH);
    expect(r.config.smtpPort).toBe(25);
    expect(r.config.allowNets).toEqual([]);
    expect(r.config.verifyDeadlineMs).toBe(15_000);
    expect(r.config.allowAnonymousLocal).toBe(false);
    expect(r.config.apiKey).toBeUndefined();
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
    const r = loadConfig({ BZ_DOCTOR_HOSTS: '', BZ_DNSBL_ZONES: '' });
    expect(r.ok && [r.config.doctorHosts, r.config.dnsblZones]).toEqual([[], []]);
    const d = loadConfig({});
    expect(d.ok && d.config.doctorHosts.length).toBeGreaterThan(0);
  });

  it('names every bad variable with what was wrong', () => {
    const r = loadConfig({
      BZ_PORT: 'eighty',
      BZ_DOH: 'ftp://x',
      BZ_ALLOW_NETS: '10.0.0.0/33',
      BZ_ALLOW_ANONYMOUS_LOCAL: 'maybe',
      BZ_SOCKS5: 'nohost',
      BZ_HELO_NAME: 'a\r\nb',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const name of ['BZ_PORT', 'BZ_DOH', 'BZ_ALLOW_NETS', 'BZ_ALLOW_ANONYMOUS_LOCAL', 'BZ_SOCKS5', 'BZ_HELO_NAME']) {
      expect(r.error).toContain(name);
    }
    expect(r.error).toContain('"eighty"');
  });

  it('reads the SMTP politeness limits and timeouts, with polite defaults', () => {
    const d = loadConfig({});
    expect(d.ok && d.config.smtp).toEqual({ maxSessions: 2, sessionsPerMinute: 30, connectTimeoutMs: 10_000, bannerTimeoutMs: 15_000, commandTimeoutMs: 15_000, tls: 'opportunistic' });
    const r = loadConfig({ BZ_SMTP_MAX_SESSIONS: '4', BZ_SMTP_SESSIONS_PER_MINUTE: '600', BZ_SMTP_COMMAND_TIMEOUT_MS: '2000' });
    expect(r.ok && r.config.smtp).toMatchObject({ maxSessions: 4, sessionsPerMinute: 600, commandTimeoutMs: 2000 });
    expect(loadConfig({ BZ_SMTP_MAX_SESSIONS: '0' }).ok).toBe(false);
    const off = loadConfig({ BZ_SMTP_TLS: 'off' });
    expect(off.ok && off.config.smtp.tls).toBe('off');
    const bad = loadConfig({ BZ_SMTP_TLS: 'required' });
    expect(!bad.ok && bad.error).toMatch(/BZ_SMTP_TLS/);
  });

  it('takes BZ_SOCKS5 as a socks5:// URL with credentials, and never repeats it in an error', () => {
    const ok = loadConfig({ BZ_SOCKS5: 'socks5://bz:s3cret@127.0.0.1:1080' });
    expect(ok.ok && ok.config.socks5).toBe('socks5://bz:s3cret@127.0.0.1:1080');
    expect(loadConfig({ BZ_SOCKS5: '127.0.0.1:1080' }).ok).toBe(true);
    for (const bad of ['http://bz:s3cret@127.0.0.1:1080', 'socks5://bz:s3cret@127.0.0.1', 'socks5://bz:s3cret@127.0.0.1:1080/x']) {
      const r = loadConfig({ BZ_SOCKS5: bad });
      expect(r.ok, bad).toBe(false);
      expect(r.ok ? '' : r.error).not.toContain('s3cret');
    }
  });

  it('refuses an empty DoH list: the edge cannot resolve anything without one', () => {
    const r = loadConfig({ BZ_DOH: ' , ' });
    expect(r.ok).toBe(false);
  });
});

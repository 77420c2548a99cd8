import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configText } from '../../../cli/commands/config.ts';
import { settingGroups, withSettingsReference } from '../../../cli/settings.ts';
import { loadConfig } from '../../../edge/config.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

const declared = settingGroups({}).flatMap((g) => g.rows.map((r) => r.name));

describe('the settings schema', () => {
  it('declares every BZ_* variable the product reads, each once', () => {
    const read = new Set<string>();
    for (const dir of ['bin', 'cli', 'edge', 'prober', 'protocol', 'plugins']) {
      for (const file of sources(join(ROOT, dir))) {
        for (const [name] of readFileSync(file, 'utf8').matchAll(/\bBZ_[A-Z0-9_]*[A-Z0-9]\b/g)) {
          // BZ_PLUGIN_<NAME>_<KEY> is a pattern each plugin documents; BZ_JOB_RETRY_* a family.
          if (!name.startsWith('BZ_PLUGIN_') && !declared.some((d) => d.startsWith(`${name}_`))) read.add(name);
        }
      }
    }
    expect([...read].filter((name) => !declared.includes(name))).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);
  });

  it("has ARCHITECTURE.md's fixed names, with their defaults", () => {
    for (const name of ['BZ_PORT', 'BZ_DB', 'BZ_DOH', 'BZ_SMTP_PORT', 'BZ_ALLOW_NETS', 'BZ_HELO_NAME', 'BZ_MAIL_FROM', 'BZ_PLUGINS_DIR', 'BZ_API_KEY', 'BZ_SOCKS5', 'BZ_DOCTOR_HOSTS', 'BZ_ANONYMOUS_CHECKS', 'BZ_TRUST_PROXY', 'BZ_DNSBL_ZONES']) {
      expect(declared, name).toContain(name);
    }
    const d = loadConfig({});
    expect(d.ok && [d.config.port, d.config.db]).toEqual([8080, './data/bouncezero.db']);
  });

  it('keeps the README reference in sync (run `npm run docs:settings`)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withSettingsReference(readme)).toBe(readme);
  });

  it('takes a JSON-only DoH endpoint, json+https://', () => {
    const r = loadConfig({ BZ_DOH: 'json+https://dns.example/resolve,https://dns.example/dns-query' });
    expect(r.ok && r.config.doh).toEqual(['json+https://dns.example/resolve', 'https://dns.example/dns-query']);
    expect(loadConfig({ BZ_DOH: 'json+ftp://dns.example/resolve' }).ok).toBe(false);
  });

  it('refuses TLS half-configured, naming both settings', () => {
    const r = loadConfig({ BZ_TLS_CERT: '/etc/cert.pem' });
    expect(!r.ok && r.error).toMatch(/BZ_TLS_CERT and BZ_TLS_KEY go together/);
  });
});

describe('bouncezero config', () => {
  it('prints every setting, marks what is set, and masks secrets', () => {
    const text = configText({
      BZ_API_KEY: 'k-0123456789abcdefghijklmnopqrstuv-secret',
      BZ_DB: 'postgres://bz:pg-s3cret@db.internal:5432/bz',
      BZ_SOCKS5: 'socks5://bz:socks-s3cret@127.0.0.1:1080',
      BZ_DOH: 'https://a:doh-s3cret@doh.internal/dns-query,json+https://b:other-s3cret@doh2.internal/resolve',
      BZ_PORT: '9090',
    });
    for (const name of declared) expect(text).toContain(`${name}=`);
    expect(text).toMatch(/^BZ_PORT=9090\s+\(set\)$/m);
    expect(text).toMatch(/^BZ_SMTP_PORT=25\s+\(default\)$/m);
    expect(text).toMatch(/^BZ_API_KEY=\*\*\*\s/m);
    expect(text).toContain('BZ_DB=postgres://bz:***@db.internal:5432/bz');
    expect(text).toContain('BZ_SOCKS5=socks5://bz:***@127.0.0.1:1080');
    expect(text).toContain('BZ_DOH=https://a:***@doh.internal/dns-query,json+https://b:***@doh2.internal/resolve');
    expect(text).not.toMatch(/s3cret/);
  });

  it('refuses a bad DoH endpoint by its place in the list, without repeating a password it may carry', () => {
    const loaded = loadConfig({ BZ_DOH: 'https://doh.internal/dns-query,ftp://a:doh-s3cret@doh2.internal/dns-query' });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error).toMatch(/BZ_DOH.*item 2/);
      expect(loaded.error).not.toMatch(/s3cret/);
    }
  });
});

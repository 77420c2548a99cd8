import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlugins, type SkippedPlugin } from '../../../prober/plugins/loader.ts';
import { createPluginRegistry, matches } from '../../../prober/plugins/registry.ts';
import { nodePluginFs } from '../../../prober/adapters/plugin-fs-node.ts';

const root = mkdtempSync(join(tmpdir(), 'bz-plugins-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plugin(name: string, manifest: object | string, entry?: string) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  if (entry !== undefined) writeFileSync(join(dir, 'index.mjs'), entry);
}

const base = { version: '1.0.0', api_version: 1, entry: 'index.mjs', applies_to: { domains: ['example.test'] }, hooks: ['enrich'] };

plugin('good', { ...base, name: 'good' }, 'export default { enrich: () => ({ signals: [] }) };');
plugin('not-json', '{ nope', 'export default {}');
plugin('bad-manifest', { ...base, name: 'Bad Name!' }, 'export default { enrich() {} };');
plugin('escape', { ...base, name: 'escape', entry: '../good/index.mjs' }, 'export default {}');
plugin('throws', { ...base, name: 'throws' }, 'throw new Error("boom at load");');
plugin('undeclared', { ...base, name: 'undeclared' }, 'export default { enrich() {}, beforeSmtp() {} };');
plugin('missing-hook', { ...base, name: 'missing-hook', hooks: ['afterSmtp'] }, 'export default { enrich() {} };');
plugin('z-dup', { ...base, name: 'good' }, 'export default { enrich() {} };');
plugin('api-v2', { ...base, name: 'future', api_version: 2 }, 'export default { enrich() {} };');
mkdirSync(join(root, 'no-manifest'));

describe('plugin loader', () => {
  it('loads the good plugin and reports every broken one with its reason, without throwing', async () => {
    const skipped: SkippedPlugin[] = [];
    const loaded = await loadPlugins([{ dir: root, builtin: false }, { dir: join(root, 'absent'), builtin: false }], nodePluginFs, (s) => skipped.push(s));
    expect(loaded.map((p) => p.manifest.name)).toEqual(['good']);
    const why = Object.fromEntries(skipped.map((s) => [s.dir.replace(`${root}/`, ''), s.reason]));
    expect(why['not-json']).toMatch(/not valid JSON/);
    expect(why['bad-manifest']).toMatch(/bad manifest: name/);
    expect(why['escape']).toMatch(/bad manifest: entry/);
    expect(why['throws']).toMatch(/entry failed to load: boom at load/);
    expect(why['undeclared']).toMatch(/beforeSmtp is exported but not declared/);
    expect(why['missing-hook']).toMatch(/afterSmtp is declared but not exported/);
    expect(why['z-dup']).toMatch(/already loaded/);
    expect(why['api-v2']).toMatch(/api_version/);
    expect(why['no-manifest']).toMatch(/no plugin.json/);
    expect(why['absent']).toMatch(/cannot list/);
  });
});

describe('plugin registry', () => {
  it('matches domains exactly and MX hosts by suffix pattern', () => {
    expect(matches('gmail.com', 'gmail.com')).toBe(true);
    expect(matches('gmail.com', 'xgmail.com')).toBe(false);
    expect(matches('*.outlook.com', 'a.mail.protection.outlook.com')).toBe(true);
    expect(matches('*.outlook.com', 'outlook.com')).toBe(false);
    expect(matches('*.outlook.com', 'evil-outlook.com')).toBe(false);
    const mk = (name: string, applies_to: object) => ({ manifest: { name, applies_to: { all: false, domains: [], mx_hosts: [], ...applies_to } }, hooks: {}, dir: '', builtin: true }) as never;
    const reg = createPluginRegistry([mk('a', { domains: ['corp.test'] }), mk('b', { mx_hosts: ['*.mx.search.test'] }), mk('c', { all: true })]);
    expect(reg.forDomain('corp.test', []).map((p) => p.manifest.name)).toEqual(['a', 'c']);
    expect(reg.forDomain('other.test', ['ASPMX.mx.search.test.']).map((p) => p.manifest.name)).toEqual(['b', 'c']);
  });
});

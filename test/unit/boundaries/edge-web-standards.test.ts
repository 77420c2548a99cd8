import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The edge must run on any Web-standard runtime, so node: modules and Node-only packages may
 * be imported only by the named adapter files in edge/adapters/ (the Deno smoke test proves
 * the rest at run time; this test names the offending line at once).
 */
const ROOT = join(import.meta.dirname, '../../..');
const NODE_ONLY = /^(node:|ws$|better-sqlite3$|@hono\/node-server)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'adapters' ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('edge/ uses Web Standards only', () => {
  const files = [...sources(join(ROOT, 'edge')), ...sources(join(ROOT, 'protocol'))];

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('imports no node: module or Node-only package outside edge/adapters/', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
        const spec = m[1] ?? '';
        if (NODE_ONLY.test(spec)) offenders.push(`${relative(ROOT, file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

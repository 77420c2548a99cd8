import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocks } from '../../../edge/api/security-headers.ts';
import { renderPage } from '../../../edge/web/page.ts';

describe('the web page script', () => {
  // It is JavaScript in a TypeScript template string: an escape written once too few times (a
  // '\n' that becomes a line break inside a string) breaks the whole page, and only a browser
  // would show it. `node --check` parses it as the module it is served as.
  it('parses as a JavaScript module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bz-page-'));
    const scripts = blocks(renderPage(), 'script');
    expect(scripts.length).toBeGreaterThan(0);
    for (const [i, script] of scripts.entries()) {
      const file = join(dir, `script-${i}.mjs`);
      writeFileSync(file, script);
      const checked = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
      expect(checked.stderr).toBe('');
      expect(checked.status).toBe(0);
    }
  });
});

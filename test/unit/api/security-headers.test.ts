import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blocks } from '../../../edge/api/security-headers.ts';
import { renderPage } from '../../../edge/web/page.ts';
import { harness } from './app-harness.ts';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('security headers', () => {
  it('serves the page with a CSP that allows exactly its own inline script and style', async () => {
    const h = await harness({});
    const res = await h.app.request('/');
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    const scripts = blocks(html, 'script');
    const styles = blocks(html, 'style');
    expect(scripts.length).toBeGreaterThan(0);
    expect(styles.length).toBeGreaterThan(0);
    const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));
    expect(directive('script-src')).toBe(`script-src ${scripts.map(sha256).join(' ')}`);
    expect(directive('style-src')).toBe(`style-src ${styles.map(sha256).join(' ')}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('keeps the page free of what a hash-based CSP refuses: inline handlers and style attributes', () => {
    const html = renderPage();
    expect(html).not.toMatch(/\son[a-z]+\s*=\s*["']/i);
    expect(html).not.toMatch(/\sstyle\s*=\s*["']/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('puts the headers and a deny-all CSP on API answers, errors and 404s too', async () => {
    const h = await harness({});
    for (const [path, init] of [['/v1/health', {}], ['/v1/verify', { method: 'POST', body: '{}' }], ['/nowhere', {}]] as const) {
      const res = await h.app.request(path, init);
      expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});

import type { MiddlewareHandler } from 'hono';

/** What every answer carries: no sniffing, no framing, no referrer, and nothing loads unless a route says so. */
const ALWAYS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Sets the headers after the route ran, so errors, 404s and streamed answers carry them too; a route's own CSP wins. */
export function securityHeaders(): MiddlewareHandler {
  return async function secureResponse(c, next) {
    await next();
    for (const [name, value] of Object.entries(ALWAYS)) c.res.headers.set(name, value);
    if (!c.res.headers.has('Content-Security-Policy')) c.res.headers.set('Content-Security-Policy', API_CSP);
  };
}

/**
 * The page's policy: its own inline <script> and <style> blocks by SHA-256, the API on the
 * same origin, nothing else. The hashes are taken from the rendered HTML itself, so editing
 * the page needs no second edit here; inline event handlers and style attributes cannot be
 * hashed and are therefore refused by the browser (a unit test keeps the page free of them).
 */
export async function pagePolicy(html: string): Promise<string> {
  const scripts = await Promise.all(blocks(html, 'script').map(sha256Source));
  const styles = await Promise.all(blocks(html, 'style').map(sha256Source));
  return [
    "default-src 'none'",
    `script-src ${scripts.join(' ') || "'none'"}`,
    `style-src ${styles.join(' ') || "'none'"}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The text of each inline element of that tag (those with a src load a file and are not inline). */
export function blocks(html: string, tag: 'script' | 'style'): string[] {
  const pattern = new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}\\s*>`, 'gi');
  return [...html.matchAll(pattern)].filter((m) => !/\bsrc\s*=/i.test(m[1] ?? '')).map((m) => m[2] ?? '');
}

async function sha256Source(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return `'sha256-${btoa(binary)}'`;
}

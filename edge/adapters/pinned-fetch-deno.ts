import type { WebhookFetch } from '../jobs/webhook/webhook-sender.ts';

/** The part of Deno's namespace this adapter uses (the project type-checks with Node's types). */
interface DenoConn {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  close(): void;
}
export interface DenoNet {
  connect(options: { hostname: string; port: number }): Promise<DenoConn>;
  startTls(conn: DenoConn, options: { hostname: string; caCerts?: string[] }): Promise<DenoConn>;
}

/** A response head larger than this is not a webhook receiver's answer. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * A webhook POST on Deno that connects to the address the guard vetted and to nothing else.
 * Deno's fetch resolves the host itself and cannot be told an address (createHttpClient has no
 * resolver), so this speaks HTTP/1.1 on a socket of its own: Deno.connect to the address, then
 * Deno.startTls with the URL's host, which names the SNI and the name the certificate must carry;
 * the Host header is the URL's too. One request per connection (Connection: close); only the
 * status and headers are read, as pinned-fetch-node.ts does on Node. `caCerts` adds roots
 * (tests, private receivers).
 */
export function denoPinnedFetch(deno: DenoNet, options: { caCerts?: string[] } = {}): WebhookFetch {
  return async (url, init, { address }) => {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    if (!https && target.protocol !== 'http:') throw new TypeError(`a webhook URL is http or https, not ${target.protocol}`);
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const port = Number(target.port || (https ? 443 : 80));
    let conn = await deno.connect({ hostname: address, port });
    const abort = () => conn.close();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      if (https) conn = await deno.startTls(conn, { hostname: target.hostname, ...(options.caCerts ? { caCerts: options.caCerts } : {}) });
      const writer = conn.writable.getWriter();
      await writer.write(requestBytes(target, init));
      writer.releaseLock();
      return await readResponseHead(conn.readable.getReader());
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    } finally {
      signal?.removeEventListener('abort', abort);
      try {
        conn.close();
      } catch {
        // Closed already (aborted, or the server hung up).
      }
    }
  };
}

/**
 * The request in bytes. The URL parser leaves no CR, LF or space in host, path or query, and
 * Headers refuses them in names and values, so nothing here can split the request.
 */
function requestBytes(target: URL, init: RequestInit): Uint8Array {
  const body = new TextEncoder().encode(typeof init.body === 'string' ? init.body : '');
  const headers = new Headers(init.headers);
  headers.set('host', target.host);
  headers.set('content-length', String(body.length));
  headers.set('connection', 'close');
  let head = `${init.method ?? 'POST'} ${target.pathname}${target.search} HTTP/1.1\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  const headBytes = new TextEncoder().encode(`${head}\r\n`);
  const bytes = new Uint8Array(headBytes.length + body.length);
  bytes.set(headBytes);
  bytes.set(body, headBytes.length);
  return bytes;
}

/** The first final (non-1xx) response head, as a Response without a body. */
async function readResponseHead(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Response> {
  const decoder = new TextDecoder('latin1');
  let text = '';
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    if (end >= 0) {
      const head = text.slice(0, end);
      text = text.slice(end + 4);
      const response = parseHead(head);
      if (response) return response;
      continue;
    }
    if (text.length > MAX_HEAD_BYTES) throw new Error('the response head is too large');
    const { value, done } = await reader.read();
    if (done) throw new Error('the connection closed before a response');
    text += decoder.decode(value, { stream: true });
  }
}

function parseHead(head: string): Response | null {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const status = Number(match[1]);
  // Interim answers (103 Early Hints) come before the final one.
  if (status < 200) return null;
  if (status > 599) throw new Error(`not an HTTP status: ${status}`);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      // A header Headers refuses is one we never read.
    }
  }
  return new Response(null, { status, headers });
}

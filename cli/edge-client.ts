import type { JobProgress } from './progress-line.ts';

/** The few calls the CLI makes to an edge's HTTP API, with the API key. */
/** What a bulk job is created with besides its file: the address column, ?max_wait in seconds. */
export interface JobOptions {
  column?: string;
  maxWait?: number;
}

export class EdgeClient {
  constructor(
    private readonly url: string,
    private readonly key: string | undefined,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), ...extra };
  }

  private async call(path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<Response> {
    return this.fetchFn(new URL(path, this.url), { ...init, headers: this.headers(init.headers as Record<string, string>) });
  }

  /** Streams the CSV to POST /v1/jobs; the job id, or the edge's error message. */
  async createJob(csv: ReadableStream<Uint8Array>, job: JobOptions = {}): Promise<{ ok: true; id: string } | { ok: false; error: string }> {
    const params = new URLSearchParams();
    if (job.column) params.set('column', job.column);
    if (job.maxWait !== undefined) params.set('max_wait', String(job.maxWait));
    const query = params.size ? `?${params}` : '';
    const res = await this.call(`/v1/jobs${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv, duplex: 'half' });
    if (res.status !== 202) return { ok: false, error: await errorOf(res) };
    return { ok: true, id: ((await res.json()) as { id: string }).id };
  }

  async job(id: string): Promise<{ ok: true; job: JobProgress & { counts: Record<string, number> } } | { ok: false; error: string }> {
    const res = await this.call(`/v1/jobs/${encodeURIComponent(id)}`);
    if (res.status !== 200) return { ok: false, error: await errorOf(res) };
    return { ok: true, job: (await res.json()) as JobProgress & { counts: Record<string, number> } };
  }

  async results(id: string, format: 'csv' | 'ndjson'): Promise<{ ok: true; body: ReadableStream<Uint8Array> } | { ok: false; error: string }> {
    const res = await this.call(`/v1/jobs/${encodeURIComponent(id)}/results?format=${format}`);
    if (res.status !== 200 || !res.body) return { ok: false, error: await errorOf(res) };
    return { ok: true, body: res.body };
  }

  /** POST /v1/verify: the result as JSON text, or the edge's error message. */
  async verify(email: string): Promise<{ ok: true; json: unknown } | { ok: false; error: string }> {
    const res = await this.call('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    if (res.status !== 200) return { ok: false, error: await errorOf(res) };
    return { ok: true, json: await res.json() };
  }
}

async function errorOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) return `${res.status}: ${body.error.message}`;
  } catch {
    // not the API's error shape: show the status alone
  }
  return `HTTP ${res.status}`;
}

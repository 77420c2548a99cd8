import type { JobReport } from '../../edge/jobs/job-status.ts';

/** The job API as a bench or fault test calls it: submit a list, wait for completion, read every row. */
export interface JobRow {
  row: number;
  email: string;
  verdict: string | null;
  reason: string | null;
  score: number | null;
}

export type { JobReport };

export function jobClient(baseUrl: string, apiKey: string) {
  const headers = { authorization: `Bearer ${apiKey}` };
  return {
    async submit(emails: string[]): Promise<string> {
      const res = await fetch(`${baseUrl}/v1/jobs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(emails) });
      if (res.status !== 202) throw new Error(`job upload answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async status(id: string): Promise<JobReport> {
      const res = await fetch(`${baseUrl}/v1/jobs/${id}`, { headers });
      if (!res.ok) throw new Error(`job status answered ${res.status}`);
      return (await res.json()) as JobReport;
    },
    async results(id: string): Promise<JobRow[]> {
      const text = await (await fetch(`${baseUrl}/v1/jobs/${id}/results?format=ndjson`, { headers })).text();
      return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as JobRow);
    },
    async metrics(): Promise<string> {
      return (await fetch(`${baseUrl}/metrics`, { headers })).text();
    },
  };
}

/** Polls until the job is completed (or `limitMs` passes), calling `onProgress` with each report. */
export async function waitForJob(client: ReturnType<typeof jobClient>, id: string, options: { limitMs: number; pollMs?: number; onProgress?: (r: JobReport) => void }): Promise<JobReport> {
  const deadline = Date.now() + options.limitMs;
  for (;;) {
    const report = await client.status(id);
    options.onProgress?.(report);
    if (report.status === 'completed' || report.status === 'cancelled' || Date.now() > deadline) return report;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}

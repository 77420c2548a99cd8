/** What a progress line shows, taken from GET /v1/jobs/:id. */
export interface JobProgress {
  status: string;
  total: number;
  done: number;
  waiting_retry: number;
  progress: number;
  rate_per_s: number;
  eta_s: number | null;
}

/** `[#######-------------]  35%  350/1000  12.5/s  ETA 52s  (4 waiting to retry)` */
export function progressLine(p: JobProgress, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, p.progress)) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const percent = `${Math.floor(p.progress * 100)}%`.padStart(4);
  const eta = p.eta_s === null ? '' : `  ETA ${duration(p.eta_s)}`;
  const waiting = p.waiting_retry > 0 ? `  (${p.waiting_retry} waiting to retry)` : '';
  return `${bar} ${percent}  ${p.done}/${p.total}  ${p.rate_per_s.toFixed(1)}/s${eta}${waiting}`;
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

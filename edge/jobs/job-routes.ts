import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Clock, Random, SyntaxCheck } from '../../protocol/index.ts';
import type { AccessEnv } from '../access/authenticate.ts';
import { apiError } from '../http/api-error.ts';
import type { ResultPacking } from '../store/packed-result.ts';
import type { Database } from '../store/schema.ts';
import { deleteJob } from './delete-job.ts';
import { randomHex } from '../../protocol/index.ts';
import { ingestJob, type IngestDeps, type IngestOutcome } from './ingest-job.ts';
import { LIST_LIMIT, listJobs, parseCursor } from './job-list.ts';
import { parseCallbackUrl } from './webhook/callback-url.ts';
import { csvIntake, jsonIntake, type IntakeEvent } from './intake-rows.ts';
import { DEFAULT_UPLOAD_LIMITS, DEFAULT_UPLOADS_PER_PRINCIPAL, type UploadLimits } from './upload-limits.ts';
import { CONTENT_TYPES, RESULT_FORMATS, resultsFileName, resultsStream, type ResultFormat } from './job-results.ts';
import { verdictFilter } from './verdict-filter.ts';
import { jobReport } from './job-status.ts';
import { multipartBoundary, multipartFile } from './multipart-file.ts';
import { ownedJob } from './owned-job.ts';
import { UploadSlots } from './upload-slots.ts';
import { BodyTooLarge } from './stream-body-limit.ts';

export interface JobRoutesDeps {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
  checkSyntax: (input: string) => SyntaxCheck;
  /** Drops cached results of these addresses (a deleted job's). */
  forgetResults?: (normalized: readonly string[]) => Promise<void>;
  /** Called once a job is stored, so the runner picks it up at once. */
  onJobCreated?: (id: string) => void;
  /** Called when a job is cancelled, so its webhook goes out at once. */
  onJobFinished?: (id: string) => void;
  maxRows?: number;
  /** BZ_UPLOAD_CELL_LIMIT / BZ_UPLOAD_ROW_LIMIT, in characters. */
  uploadLimits?: UploadLimits;
  /** BZ_UPLOADS_PER_KEY: uploads one principal may stream at once. */
  uploadsPerPrincipal?: number;
  /** How results are kept: the jobs' packing (create-jobs.ts). */
  packing: ResultPacking;
}

/**
 * /v1/jobs, relative to its mount point: POST / (JSON list, CSV body or multipart file),
 * GET / (the caller's jobs, newest first), GET /:id (status and counts), GET /:id/results (streamed), POST /:id/cancel, DELETE /:id.
 * A job belongs to the principal that posted it; every other caller gets 404 (edge/jobs/owned-job.ts).
 */
export function createJobRoutes(deps: JobRoutesDeps): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();

  app.get('/', async (c) => {
    const limit = c.req.query('limit') === undefined ? LIST_LIMIT.default : Number(c.req.query('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT.max) return apiError(c, 400, 'invalid_request', `limit must be a whole number from 1 to ${LIST_LIMIT.max}`);
    const cursor = c.req.query('cursor');
    const after = cursor === undefined ? undefined : parseCursor(cursor);
    if (after === null) return apiError(c, 400, 'invalid_request', 'cursor is not one this API gave (use next_cursor from the previous page)');
    return c.json(await listJobs(deps.db, c.get('principal').id, { limit, ...(after ? { after } : {}) }), 200);
  });

  const slots = new UploadSlots(deps.uploadsPerPrincipal ?? DEFAULT_UPLOADS_PER_PRINCIPAL);
  app.post('/', async (c) => {
    const maxWait = maxWaitOf(c.req.query('max_wait'));
    if (typeof maxWait === 'string') return apiError(c, 400, 'invalid_request', maxWait);
    const meta = jobMeta(c, deps);
    if ('error' in meta) return apiError(c, 400, 'invalid_callback_url', meta.error);
    const owner = c.get('principal').id;
    const release = slots.take(owner);
    if (!release) {
      return apiError(c, 429, 'too_many_uploads', `This API key already has ${slots.perPrincipal} uploads streaming; send the next when one ends.`, { 'Retry-After': '1' });
    }
    const outcome = await upload(c, owner, { ...meta.job, max_wait_ms: maxWait }).finally(release);
    if (!outcome.ok) {
      const code = outcome.code ?? (outcome.status === 413 ? 'too_many_rows' : 'invalid_upload');
      return apiError(c, outcome.status, code, outcome.error, undefined, 'columns' in outcome && outcome.columns ? { columns: outcome.columns } : undefined);
    }
    deps.onJobCreated?.(outcome.id);
    // The secret is shown once, here: the receiver checks each delivery's signature with it.
    const callback = meta.job.callback_secret ? { callback_secret: meta.job.callback_secret } : {};
    return c.json({ id: outcome.id, rows: outcome.rows, ...callback }, 202, { location: `/v1/jobs/${outcome.id}` });
  });

  async function upload(c: Context<AccessEnv>, owner: string, job: IngestDeps['job']): Promise<IngestOutcome | { ok: false; status: 415; code: string; error: string }> {
    const events = intakeOf(c, deps.uploadLimits ?? DEFAULT_UPLOAD_LIMITS);
    if ('error' in events) return { ok: false, status: 415, code: 'unsupported_media_type', error: events.error };
    const ingest = { db: deps.db, clock: deps.clock, random: deps.random, checkSyntax: deps.checkSyntax, maxRows: deps.maxRows, owner, job, packing: deps.packing };
    return ingestJob(ingest, events.events).catch((error: unknown) =>
      error instanceof BodyTooLarge
        ? { ok: false as const, status: 413 as const, code: 'body_too_large', error: error.message }
        : { ok: false as const, status: 400 as const, code: 'invalid_upload', error: `the upload broke off: ${error instanceof Error ? error.message : String(error)}` },
    );
  }

  app.get('/:id', async (c) => {
    const job = await ownedJob(deps.db, c.req.param('id'), c.get('principal').id);
    const report = job && (await jobReport(deps.db, job.id, deps.clock.now()));
    return report ? c.json(report, 200) : noSuchJob(c);
  });

  app.get('/:id/results', async (c) => {
    const format = (c.req.query('format') ?? 'json').toLowerCase();
    if (!(RESULT_FORMATS as readonly string[]).includes(format)) return apiError(c, 400, 'invalid_request', `format must be one of ${RESULT_FORMATS.join(', ')}`);
    const verdicts = verdictFilter(c.req.queries('verdict'));
    if ('error' in verdicts) return apiError(c, 400, 'invalid_request', verdicts.error);
    const detail = c.req.query('detail');
    if (detail !== undefined && detail !== 'full') return apiError(c, 400, 'invalid_request', 'detail must be full, or absent');
    // A CSV row has no room for a transcript: the whole result is a JSON thing.
    if (detail === 'full' && format === 'csv') return apiError(c, 400, 'invalid_request', 'detail=full needs format=json or ndjson');
    const job = await ownedJob(deps.db, c.req.param('id'), c.get('principal').id);
    if (!job) return noSuchJob(c);
    const { id } = job;
    const columns = job.columns_json === null ? null : (JSON.parse(job.columns_json) as string[]);
    const body = resultsStream(deps.db, { id, columns, cancelled: job.status === 'cancelled', ...verdicts, ...(detail === 'full' ? { full: true } : {}) }, format as ResultFormat, deps.packing);
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': CONTENT_TYPES[format as ResultFormat],
        'content-disposition': `attachment; filename="${resultsFileName(id, format as ResultFormat)}"`,
        'x-job-status': job.status,
      },
    });
  });

  app.post('/:id/cancel', async (c) => {
    const job = await ownedJob(deps.db, c.req.param('id'), c.get('principal').id);
    if (!job) return noSuchJob(c);
    // Items stay as they are (their results so far can still be read); a cancelled job is never claimed from.
    await deps.db.updateTable('jobs').set({ status: 'cancelled', completed_at: deps.clock.now() }).where('id', '=', job.id).where('status', 'in', ['queued', 'running']).execute();
    deps.onJobFinished?.(job.id);
    const report = await jobReport(deps.db, job.id, deps.clock.now());
    return report ? c.json(report, 200) : noSuchJob(c);
  });

  app.delete('/:id', async (c) => {
    const job = await ownedJob(deps.db, c.req.param('id'), c.get('principal').id);
    if (!job) return noSuchJob(c);
    // Deleting a job takes its addresses' cached answers too: the caller asked us to drop what it gave.
    if (!(await deleteJob(deps.db, job.id, deps.forgetResults))) return noSuchJob(c);
    return c.body(null, 204);
  });

  return app;
}

function intakeOf(c: Context, limits: UploadLimits): { events: AsyncIterable<IntakeEvent> } | { error: string } {
  const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const column = c.req.query('column');
  if (type.startsWith('application/json')) return { events: jsonIntake(body, limits) };
  if (type.startsWith('text/csv') || type.startsWith('text/plain')) return { events: csvIntake(body, column, limits) };
  if (type.startsWith('multipart/form-data')) {
    const boundary = multipartBoundary(c.req.header('content-type') ?? '');
    if (!boundary) return { error: 'multipart/form-data without a boundary' };
    return { events: csvIntake(multipartFile(body, boundary), column, limits) };
  }
  return { error: 'send application/json (a list of addresses), text/csv, or multipart/form-data with a file part' };
}

/** `?name=` (the file's name, shown in the job list) and `?callback_url=` (the completion webhook, with a fresh secret). */
function jobMeta(c: Context, deps: JobRoutesDeps): { job: NonNullable<IngestDeps['job']> } | { error: string } {
  const name = c.req.query('name')?.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || null;
  const callbackUrl = c.req.query('callback_url');
  if (callbackUrl === undefined || callbackUrl === '') return { job: { name } };
  const parsed = parseCallbackUrl(callbackUrl);
  if ('error' in parsed) return parsed;
  return { job: { name, callback_url: parsed.url.href, callback_secret: `whsec_${randomHex(deps.random, 24)}`, callback_state: 'pending', callback_due_at: deps.clock.now() } };
}

/** The longest ?max_wait accepted: a day. */
export const MAX_WAIT_LIMIT_S = 86_400;

/** ?max_wait=SECONDS, in ms; null when absent (the runner's default applies); a message when malformed. */
function maxWaitOf(raw: string | undefined): number | null | string {
  if (raw === undefined || raw.trim() === '') return null;
  const s = raw.trim();
  const n = /^\d{1,6}$/.test(s) ? Number(s) : NaN;
  if (!(n <= MAX_WAIT_LIMIT_S)) return `max_wait must be a whole number of seconds from 0 to ${MAX_WAIT_LIMIT_S}`;
  return n * 1000;
}

function noSuchJob(c: Context): Response {
  return apiError(c, 404, 'not_found', 'No such job.');
}

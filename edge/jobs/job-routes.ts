import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Clock, Random, SyntaxCheck } from '../../protocol/index.ts';
import type { AccessEnv } from '../access/authenticate.ts';
import { apiError } from '../api/api-error.ts';
import type { Database } from '../store/schema.ts';
import { deleteJob } from './delete-job.ts';
import { ingestJob } from './ingest-job.ts';
import { csvIntake, jsonIntake, type IntakeEvent } from './intake-rows.ts';
import { CONTENT_TYPES, RESULT_FORMATS, resultsFileName, resultsStream, type ResultFormat } from './job-results.ts';
import { verdictFilter } from './verdict-filter.ts';
import { jobReport } from './job-status.ts';
import { multipartBoundary, multipartFile } from './multipart-file.ts';
import { ownedJob } from './owned-job.ts';
import { BodyTooLarge } from './stream-body-limit.ts';

export interface JobRoutesDeps {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
  checkSyntax: (input: string) => SyntaxCheck;
  /** Called once a job is stored, so the runner picks it up at once. */
  onJobCreated?: (id: string) => void;
  maxRows?: number;
}

/**
 * /v1/jobs, relative to its mount point: POST / (JSON list, CSV body or multipart file),
 * GET /:id (status and counts), GET /:id/results (streamed), POST /:id/cancel, DELETE /:id.
 * A job belongs to the principal that posted it; every other caller gets 404 (edge/jobs/owned-job.ts).
 */
export function createJobRoutes(deps: JobRoutesDeps): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();

  app.post('/', async (c) => {
    const events = intakeOf(c);
    if ('error' in events) return apiError(c, 415, 'unsupported_media_type', events.error);
    const ingest = { db: deps.db, clock: deps.clock, random: deps.random, checkSyntax: deps.checkSyntax, maxRows: deps.maxRows, owner: c.get('principal').id };
    const outcome = await ingestJob(ingest, events.events).catch((error: unknown) =>
      error instanceof BodyTooLarge
        ? { ok: false as const, status: 413 as const, error: error.message, code: 'body_too_large' }
        : { ok: false as const, status: 400 as const, error: `the upload broke off: ${error instanceof Error ? error.message : String(error)}` },
    );
    if (!outcome.ok) {
      const code = 'code' in outcome && outcome.code ? outcome.code : outcome.status === 413 ? 'too_many_rows' : 'invalid_upload';
      return apiError(c, outcome.status, code, outcome.error);
    }
    deps.onJobCreated?.(outcome.id);
    return c.json({ id: outcome.id, rows: outcome.rows }, 202, { location: `/v1/jobs/${outcome.id}` });
  });

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
    const job = await ownedJob(deps.db, c.req.param('id'), c.get('principal').id);
    if (!job) return noSuchJob(c);
    const { id } = job;
    const columns = job.columns_json === null ? null : (JSON.parse(job.columns_json) as string[]);
    const body = resultsStream(deps.db, { id, columns, cancelled: job.status === 'cancelled', ...verdicts }, format as ResultFormat);
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
    const report = await jobReport(deps.db, job.id, deps.clock.now());
    return report ? c.json(report, 200) : noSuchJob(c);
  });

  app.delete('/:id', async (c) => {
    const job = await ownedJob(deps.db, c.req.param('id'), c.get('principal').id);
    return job && (await deleteJob(deps.db, job.id)) ? c.body(null, 204) : noSuchJob(c);
  });

  return app;
}

function intakeOf(c: Context): { events: AsyncIterable<IntakeEvent> } | { error: string } {
  const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const column = c.req.query('column');
  if (type.startsWith('application/json')) return { events: jsonIntake(body) };
  if (type.startsWith('text/csv') || type.startsWith('text/plain')) return { events: csvIntake(body, column) };
  if (type.startsWith('multipart/form-data')) {
    const boundary = multipartBoundary(c.req.header('content-type') ?? '');
    if (!boundary) return { error: 'multipart/form-data without a boundary' };
    return { events: csvIntake(multipartFile(body, boundary), column) };
  }
  return { error: 'send application/json (a list of addresses), text/csv, or multipart/form-data with a file part' };
}

function noSuchJob(c: Context): Response {
  return apiError(c, 404, 'not_found', 'No such job.');
}

const error = { description: 'An error: `{"error":{"code","message"}}`.' };

/** The /v1/jobs path items merged into /openapi.json. */
export const JOBS_OPENAPI: Record<string, Record<string, unknown>> = {
  '/v1/jobs': {
    post: {
      summary: 'Create a bulk job from a JSON list, a CSV body or a multipart file (up to 1,000,000 rows).',
      parameters: [
        { name: 'column', in: 'query', required: false, schema: { type: 'string' }, description: 'The CSV column holding the addresses.' },
        { name: 'name', in: 'query', required: false, schema: { type: 'string', maxLength: 200 }, description: 'A name to recognise the job by in GET /v1/jobs (the page sends the file name).' },
        {
          name: 'callback_url',
          in: 'query',
          required: false,
          schema: { type: 'string', format: 'uri' },
          description:
            'Completion webhook: POSTed `{"event":"job.finished","job":<job report>}` when the job completes or is cancelled, signed in `X-BounceZero-Signature: sha256=HEX` = HMAC-SHA256(callback_secret, `${X-BounceZero-Timestamp}.${body}`); retried 6 times over ~20 minutes until a 2xx. Public addresses only, unless BZ_ALLOW_NETS.',
        },
        {
          name: 'max_wait',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 0, maximum: 86400 },
          description: 'Seconds an address may wait for retries after its first "try later" (default 900); then it resolves unknown / retry_deadline, its last reply kept.',
        },
      ],
      requestBody: {
        content: {
          'application/json': { schema: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'object', required: ['email'], properties: { email: { type: 'string' } } }] } } },
          'text/csv': { schema: { type: 'string' } },
          'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } },
        },
      },
      responses: { '202': { description: '`{"id","rows"}` (and `callback_secret` with a callback_url, shown only here): the job is stored and queued.' }, '400': error, '413': error, '415': error },
    },
    get: {
      summary: "The caller's own jobs, newest first: `{jobs: [{id, name, status, rows, total, done, progress, counts, created_at, completed_at, callback}], next_cursor}`.",
      parameters: [
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'next_cursor of the previous page.' },
      ],
      responses: { '200': { description: 'One page of jobs.' }, '400': error },
    },
  },
  '/v1/jobs/{id}': {
    get: { summary: 'Status, counts per verdict, progress and ETA.', responses: { '200': { description: 'The job report.' }, '404': error } },
    delete: { summary: 'Delete the job and its addresses.', responses: { '204': { description: 'Deleted.' }, '404': error } },
  },
  '/v1/jobs/{id}/cancel': {
    post: { summary: 'Stop working on the job; what is resolved stays readable.', responses: { '200': { description: 'The job report, status cancelled.' }, '404': error } },
  },
  '/v1/jobs/{id}/results': {
    get: {
      summary: 'Every input row with its verdict and state, streamed (csv, json or ndjson), as an attachment named bouncezero-ID.FORMAT; readable while the job runs.',
      description:
        'After the input columns: normalized, verdict, reason, score, reason_text (the reason in words), suggestion (a likely intended address), role, disposable, free_provider, catch_all (yes/no/unknown), mx_host, smtp_code, smtp_enhanced_code, state (done, waiting_retry or pending), next_retry_at (ISO time of a waiting row\'s retry), cause (why its last answer was "not now": greylisted, busy, blocked, broken, unreachable), smtp_reply (the server\'s final reply in its own words). Rows a cancelled job never reached have verdict and reason `cancelled`. With detail=full (json, ndjson) each row also carries the whole result, as /v1/verify answers it, in `result` (null while the row is worked on).',
      parameters: [
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['csv', 'json', 'ndjson'] } },
        { name: 'verdict', in: 'query', required: false, style: 'form', explode: true, schema: { type: 'array', items: { type: 'string', enum: ['deliverable', 'undeliverable', 'risky', 'unknown'] } }, description: 'Only rows with these verdicts; comma-separated and/or repeated.' },
        { name: 'detail', in: 'query', required: false, schema: { type: 'string', enum: ['full'] }, description: 'full: each row carries its whole result (DNS records, SMTP transcript) as `result`; json and ndjson only.' },
      ],
      responses: { '200': { description: 'The rows, in input order.' }, '400': error, '404': error },
    },
  },
};

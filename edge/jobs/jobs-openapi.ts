const error = { description: 'An error: `{"error":{"code","message"}}`.' };

/** The /v1/jobs path items merged into /openapi.json. */
export const JOBS_OPENAPI: Record<string, Record<string, unknown>> = {
  '/v1/jobs': {
    post: {
      summary: 'Create a bulk job from a JSON list, a CSV body or a multipart file (up to 1,000,000 rows).',
      parameters: [{ name: 'column', in: 'query', required: false, schema: { type: 'string' }, description: 'The CSV column holding the addresses.' }],
      requestBody: {
        content: {
          'application/json': { schema: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'object', required: ['email'], properties: { email: { type: 'string' } } }] } } },
          'text/csv': { schema: { type: 'string' } },
          'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } },
        },
      },
      responses: { '202': { description: '`{"id","rows"}`: the job is stored and queued.' }, '400': error, '413': error, '415': error },
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
      summary: 'Every input row with its verdict, streamed (csv, json or ndjson), as an attachment named bouncezero-ID.FORMAT.',
      description:
        'After the input columns: normalized, verdict, reason, score, reason_text (the reason in words), suggestion (a likely intended address), role, disposable, free_provider, catch_all (yes/no/unknown), mx_host, smtp_code, smtp_enhanced_code. Rows a cancelled job never reached have verdict and reason `cancelled`.',
      parameters: [
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['csv', 'json', 'ndjson'] } },
        { name: 'verdict', in: 'query', required: false, style: 'form', explode: true, schema: { type: 'array', items: { type: 'string', enum: ['deliverable', 'undeliverable', 'risky', 'unknown'] } }, description: 'Only rows with these verdicts; comma-separated and/or repeated.' },
      ],
      responses: { '200': { description: 'The rows, in input order.' }, '400': error, '404': error },
    },
  },
};

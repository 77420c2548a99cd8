import { z } from 'zod';
import { OutcomesRequest, OutcomesResponse, VerificationResult, VerifyRequest } from '../../protocol/index.ts';
import { ApiErrorBody } from '../http/api-error.ts';
import { ReacherError, ReacherRequest, ReacherResponse } from './reacher/reacher-schema.ts';
import { HealthResponse, VERSION } from './routes/health.ts';

type PathItems = Record<string, Record<string, unknown>>;

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const error = (description: string) => ({ description, content: json('ApiError') });

/** The failures every keyed JSON route shares. */
const KEYED_ERRORS = {
  '400': error('The body is not JSON or does not match the schema; the message names the field.'),
  '401': error('No API key, or an unknown or revoked one.'),
  '413': error('The body is larger than the limit.'),
  '415': error('The body is not declared as application/json.'),
  '429': {
    ...error('Rate limit of this API key reached.'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } },
  },
};

const fresh = {
  name: 'fresh',
  in: 'query',
  required: false,
  schema: { type: 'boolean' },
  description: 'Bypass the result cache (same as "fresh": true in the body).',
};

/** Reacher's endpoints: its request and answer, its auth headers, its `{"error": "…"}` failures. */
function reacherPath(deprecated: boolean): Record<string, unknown> {
  const reacherError = (description: string) => ({ description, content: json('ReacherError') });
  return {
    post: {
      summary: deprecated ? 'Reacher\'s deprecated endpoint, the same as /v1/check_email.' : "Reacher-compatible verification (the answer in Reacher's CheckEmailOutput shape).",
      ...(deprecated ? { deprecated: true } : {}),
      security: [{ bearer: [] }, { reacherKey: [] }, { reacherSecret: [] }],
      parameters: [fresh],
      requestBody: { required: true, content: json('ReacherRequest') },
      responses: {
        '200': { description: "Reacher's CheckEmailOutput.", content: json('ReacherResponse') },
        ...Object.fromEntries(Object.entries(KEYED_ERRORS).map(([status, e]) => [status, { ...e, ...reacherError(e.description) }])),
      },
    },
  };
}

const PATHS: PathItems = {
  '/v1/verify': {
    post: {
      summary: 'Verify one address: syntax, DNS, SMTP, catch-all, scoring.',
      security: [{ bearer: [] }],
      parameters: [fresh],
      requestBody: { required: true, content: json('VerifyRequest') },
      responses: { '200': { description: 'The verification result.', content: json('VerificationResult') }, ...KEYED_ERRORS },
    },
  },
  '/v1/check_email': reacherPath(false),
  '/v0/check_email': reacherPath(true),
  '/v1/outcomes': {
    post: {
      summary: 'Report delivery outcomes (delivered, hard_bounce, soft_bounce) for the learner.',
      security: [{ bearer: [] }],
      requestBody: { required: true, content: json('OutcomesRequest') },
      responses: { '202': { description: 'Stored.', content: json('OutcomesResponse') }, ...KEYED_ERRORS },
    },
  },
  '/v1/health': {
    get: { summary: 'Liveness, connected probers and how each DoH endpoint fares (no key needed).', responses: { '200': { description: 'Healthy.', content: json('Health') } } },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text exposition format).',
      responses: { '200': { description: 'Metrics.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  },
  '/openapi.json': {
    get: { summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } } },
  },
};

/**
 * OpenAPI 3.1 for every route, generated from the same zod schemas that validate requests, so
 * the document cannot drift from the code. `extraPaths` lets mounted routers (jobs) describe theirs.
 */
export function openApiDocument(extraPaths: PathItems = {}): Record<string, unknown> {
  const schema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });
  return {
    openapi: '3.1.0',
    info: { title: 'BounceZero', version: VERSION, description: 'Will this address hard-bounce? Checked without sending mail.' },
    paths: { ...PATHS, ...extraPaths },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key from `bouncezero key add NAME`, or BZ_API_KEY.' },
        reacherKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: "Reacher's form: the key itself, without `Bearer`." },
        reacherSecret: { type: 'apiKey', in: 'header', name: 'x-reacher-secret', description: "Reacher's self-hosted backend header." },
      },
      schemas: {
        VerifyRequest: schema(VerifyRequest, 'input'),
        VerificationResult: schema(VerificationResult, 'output'),
        ReacherRequest: schema(ReacherRequest, 'input'),
        ReacherResponse: schema(ReacherResponse, 'output'),
        ReacherError: schema(ReacherError, 'output'),
        OutcomesRequest: schema(OutcomesRequest, 'input'),
        OutcomesResponse: schema(OutcomesResponse, 'output'),
        Health: schema(HealthResponse, 'output'),
        ApiError: schema(ApiErrorBody, 'output'),
      },
    },
  };
}

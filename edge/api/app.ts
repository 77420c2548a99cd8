import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { GetConnInfo } from 'hono/conninfo';
import { HTTPException } from 'hono/http-exception';
import type { Clock } from '../../protocol/index.ts';
import { authenticate, type AccessEnv } from '../access/authenticate.ts';
import { callerOf } from '../access/client-address.ts';
import { anonymousChecks } from '../access/anonymous-checks.ts';
import type { ApiKeyStore } from '../access/key-store.ts';
import { rateLimit } from '../access/rate-limit.ts';
import { requireScope } from '../access/require-scope.ts';
import { TokenBuckets } from '../access/token-bucket.ts';
import type { Config } from '../config.ts';
import type { HubMetrics } from '../dispatch/hub-metrics.ts';
import type { DohEndpointStatus } from '../dns/doh-client.ts';
import type { EdgeMetrics } from '../metrics/edge-metrics.ts';
import { renderHubMetrics } from '../metrics/hub-series.ts';
import type { OutcomeStore } from '../learning/outcome-store.ts';
import type { VerifyDeps } from '../verify/verify-address.ts';
import { renderPage } from '../web/page.ts';
import { outcomeRoutes } from './routes/outcomes.ts';
import { addressRoutes, type AddressRoutesDeps } from './routes/addresses.ts';
import { streamBodyLimit } from '../jobs/stream-body-limit.ts';
import { apiError } from '../http/api-error.ts';
import { reacherErrors } from './reacher/reacher-errors.ts';
import { countRequests } from './request-metrics.ts';
import { pagePolicy, securityHeaders } from './security-headers.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { verifyRoutes } from './routes/verify.ts';

/** A router mounted under a fixed prefix by its owner (jobs): createApp adds auth, limits and metrics around it. */
export interface MountedRoutes {
  /** Routes relative to the mount point, e.g. `post('/')`, `get('/:id')` for /v1/jobs. */
  routes: Hono<any>;
  /** OpenAPI path items keyed by FULL path (`/v1/jobs/{id}`), merged into /openapi.json. */
  openapi?: Record<string, Record<string, unknown>>;
  /** Gauges for /metrics read at scrape time, e.g. `{ queue_depth: ['Job items waiting.', 12] }`. */
  gauges?: () => Record<string, [help: string, value: number]>;
}

/**
 * Everything the HTTP API needs, as the narrow services it uses. The composition root
 * (edge/compose/edge-services.ts) builds the real ones once; tests bring fakes.
 */
export interface AppDeps {
  config: Config;
  /** The stored API keys (beside config.apiKey). */
  keys: ApiKeyStore;
  /** Delivery outcomes reported back (POST /v1/outcomes). */
  outcomes: OutcomeStore;
  /** DELETE /v1/addresses/{email} (admin scope): erases the address from every table; the route is absent without it. */
  erase?: AddressRoutesDeps['erase'];
  /** The single check's pipeline: its resolver, dispatcher, result cache, evidence and syntax check. */
  verify: VerifyDeps;
  clock: Clock;
  metrics: EdgeMetrics;
  /** The caller's address (the Node adapter's getConnInfo): failed-key throttling, BZ_ALLOW_ANONYMOUS_LOCAL, anonymous checks. */
  connInfo?: GetConnInfo;
  /** POST/GET /v1/jobs…, behind the same API key, rate limit and upload-size limit. */
  jobs?: MountedRoutes;
  /** The agent hub's counters (hub.metrics), exposed on /metrics as bouncezero_dispatch_*. */
  hubMetrics?: () => HubMetrics;
  /** How each DoH endpoint fares, shown on /v1/health. */
  dnsStatus?: () => DohEndpointStatus[];
  /** Told of every failure answered 500 (a bug, a broken store); a JSON line on stderr by default. */
  onError?: (error: unknown) => void;
}

/** Reacher's endpoints: /v1/check_email, and /v0/check_email that Reacher keeps for older clients. */
const REACHER_PATHS = ['/v1/check_email', '/v0/*'];

function logError(clock: Clock, error: unknown): void {
  console.error(JSON.stringify({ at: new Date(clock.now()).toISOString(), event: 'api_error', error: String(error).slice(0, 500) }));
}

/**
 * The edge's HTTP API. Public: GET / (the web page), /v1/health, /metrics, /openapi.json.
 * Keyed (Bearer API key, rate-limited): POST /v1/verify, POST /v1/check_email and /v0/check_email (Reacher), /v1/jobs/*.
 */
export function createApp(deps: AppDeps): Hono<AccessEnv> {
  const { config, metrics, verify: verifyDeps, outcomes } = deps;
  const { dispatcher } = verifyDeps;
  metrics.addGauges(() => ({
    agents: ['Probers that can take work now.', dispatcher.healthyCount()],
    agents_connected: ['Probers connected, healthy or not.', dispatcher.agents().length],
    ...deps.jobs?.gauges?.(),
  }));

  const { hubMetrics } = deps;
  if (hubMetrics) metrics.addText(() => renderHubMetrics(hubMetrics()));

  const app = new Hono<AccessEnv>();
  app.use(countRequests(metrics));
  app.use(securityHeaders());
  const onError = deps.onError ?? ((error: unknown) => logError(deps.clock, error));
  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) return apiError(c, err.status as 400, 'invalid_request', err.message);
    onError(err);
    return apiError(c, 500, 'internal_error', 'BounceZero failed internally; the check should be repeated.');
  });
  app.notFound((c) => apiError(c, 404, 'not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));

  const page = renderPage();
  const policy = pagePolicy(page);
  app.get('/', async (c) => c.html(page, 200, { 'Content-Security-Policy': await policy }));
  app.route('/', healthRoutes(dispatcher, deps.dnsStatus));
  app.route('/', metricsRoutes(metrics));
  app.route('/', openApiRoutes(deps.jobs?.openapi));

  const caller = callerOf(deps.connInfo, config.trustProxy);
  const keyed = [
    authenticate({
      keys: deps.keys,
      configKey: config.apiKey,
      allowAnonymousLocal: config.allowAnonymousLocal,
      callerOf: caller,
      ...(config.authFailuresPerMinute > 0 ? { failures: new TokenBuckets(deps.clock, config.authFailuresPerMinute / 60, config.authFailuresPerMinute) } : {}),
      clock: deps.clock,
    }),
    ...(config.rateLimit.perSecond > 0 ? [rateLimit(new TokenBuckets(deps.clock, config.rateLimit.perSecond, config.rateLimit.burst))] : []),
  ];
  const tooLarge = (limit: number) => bodyLimit({
    maxSize: limit,
    onError: (c) => apiError(c, 413, 'body_too_large', `The body is larger than ${limit} bytes.`),
  });
  const { perHour, totalPerHour } = config.anonymousChecks;
  if (perHour > 0) app.use('/v1/verify', anonymousChecks({ perHour, totalPerHour, callerOf: caller, clock: deps.clock }));
  for (const path of REACHER_PATHS) app.use(path, reacherErrors);
  for (const path of ['/v1/verify', ...REACHER_PATHS]) app.use(path, ...keyed, requireScope('verify'), tooLarge(config.bodyLimitBytes));
  app.use('/v1/outcomes', ...keyed, requireScope('outcomes'), tooLarge(config.bodyLimitBytes));
  app.route('/', verifyRoutes(verifyDeps, metrics));
  app.route('/', outcomeRoutes({ outcomes, cache: verifyDeps.cache, checkSyntax: verifyDeps.checkSyntax, clock: deps.clock }));
  if (deps.erase) {
    app.use('/v1/addresses/*', ...keyed, requireScope('admin'));
    app.route('/', addressRoutes({ checkSyntax: verifyDeps.checkSyntax, erase: deps.erase }));
  }
  if (deps.jobs) {
    // Uploads stay streams (up to a million rows): counted as read, never buffered to be measured.
    app.use('/v1/jobs/*', ...keyed, requireScope('jobs'), streamBodyLimit(config.uploadLimitBytes));
    app.route('/v1/jobs', deps.jobs.routes);
  }
  return app;
}

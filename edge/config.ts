import { defineSettings, httpUrl, addressOrCidr, int, bool, list, text, SHARED_SETTINGS, type Env } from '../protocol/settings/index.ts';
import { DEFAULT_RUNNER_OPTIONS, type RunnerOptions } from './jobs/runner-options.ts';
import { DEFAULT_UPLOAD_LIMITS, DEFAULT_UPLOADS_PER_PRINCIPAL } from './jobs/upload-limits.ts';

/** Defaults only: tests always pass their own loopback endpoints. */
export const DEFAULT_DOH = ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'];

const DAY = 86_400;
const MS_DAY = DAY * 1000;
const job = (meaning: string, key: keyof RunnerOptions, min: number, max: number) => int({ meaning, default: undefined, min, max, shown: String(DEFAULT_RUNNER_OPTIONS[key]) });

/**
 * The edge's settings, declared once: each BZ_* variable with its meaning and default. A typo
 * fails at start with a message naming the variable, never later in the middle of a request.
 * The README's settings reference and `bouncezero config` are generated from this.
 */
export const EDGE_SETTINGS = defineSettings('Edge', {
  BZ_HOST: text({ meaning: 'address the edge listens on (loopback by default: exposing it is a decision)', default: '127.0.0.1' }),
  BZ_PORT: int({ meaning: 'edge HTTP port (0 = any free port)', default: 8080, min: 0, max: 65535 }),
  BZ_DB: text({ meaning: 'SQLite file, `:memory:`, or a postgres:// URL', default: './data/bouncezero.db', mask: 'url-password' }),
  BZ_DOH: list({
    meaning: 'comma-separated DoH endpoint URLs, tried in order; `json+https://…` marks one that speaks only the JSON API',
    default: DEFAULT_DOH,
    shown: 'two public resolvers',
    check: httpUrl,
    nonEmpty: 'needs at least one DoH endpoint URL',
    mask: 'url-password',
  }),
  ...SHARED_SETTINGS,
  // Guessable keys defeat the failure throttle: as long as a generated key's random part at least.
  BZ_API_KEY: text({ meaning: 'one API key accepted as given, beside the stored ones (automation, tests); at least 32 characters', minLength: 32, mask: 'secret' }),
  BZ_TLS_CERT: text({ meaning: 'PEM certificate file; with BZ_TLS_KEY the edge speaks https and wss' }),
  BZ_TLS_KEY: text({ meaning: 'PEM private key file for BZ_TLS_CERT' }),
  BZ_PG_POOL: int({ meaning: 'connections per edge to PostgreSQL (ignored for SQLite)', default: undefined, min: 1, max: 1000, shown: '10' }),
  BZ_VERIFY_DEADLINE_MS: int({ meaning: 'how long POST /v1/verify waits before answering deadline_exceeded', default: 15_000, min: 100, max: 10 * 60_000 }),
  BZ_ALLOW_ANONYMOUS_LOCAL: bool({ meaning: 'callers on loopback need no API key (a request relayed by an untrusted proxy is not local)', default: false }),
  BZ_TRUST_PROXY: list({ meaning: 'addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed', default: [], check: addressOrCidr }),
  BZ_AUTH_FAILURES_PER_MINUTE: int({ meaning: 'wrong API keys one client address may present per minute before 429 (0 = no limit)', default: 10, min: 0, max: 1_000_000 }),
  BZ_ANONYMOUS_CHECKS: int({ meaning: 'single checks per hour per client address allowed without a key (0 = keys only); bulk jobs always need a key', default: 0, min: 0, max: 1_000_000 }),
  BZ_ANONYMOUS_CHECKS_TOTAL: int({ meaning: 'single checks per hour without a key, from everyone together', default: 1_000, min: 1, max: 100_000_000 }),
  BZ_RATE_LIMIT_RPS: int({ meaning: 'requests per second per API key (token bucket; 0 = no limit)', default: 10, min: 0, max: 1_000_000 }),
  BZ_RATE_LIMIT_BURST: int({ meaning: 'burst of the per-key token bucket', default: 20, min: 1, max: 1_000_000 }),
  BZ_BODY_LIMIT_BYTES: int({ meaning: 'largest JSON request body', default: 16 * 1024, min: 256, max: 64 * 1024 * 1024 }),
  BZ_UPLOAD_LIMIT_BYTES: int({ meaning: 'largest job upload (CSV or JSON list)', default: 64 * 1024 * 1024, min: 1024, max: 4 * 1024 * 1024 * 1024 }),
  BZ_UPLOAD_CELL_LIMIT: int({ meaning: 'characters one CSV cell or JSON string of an upload may hold (413 cell_too_large past it)', default: DEFAULT_UPLOAD_LIMITS.cell, min: 64, max: 16 * 1024 * 1024 }),
  BZ_UPLOAD_ROW_LIMIT: int({ meaning: 'characters one CSV row or JSON list element of an upload may hold', default: DEFAULT_UPLOAD_LIMITS.row, min: 64, max: 64 * 1024 * 1024 }),
  BZ_UPLOADS_PER_KEY: int({ meaning: 'uploads one API key may stream at once (429 too_many_uploads beyond)', default: DEFAULT_UPLOADS_PER_PRINCIPAL, min: 1, max: 1000 }),
  BZ_RETENTION_DAYS: int({ meaning: 'jobs finished (unfinished ones: uploaded), results cached and outcomes observed more than this many days ago are purged (0 = kept forever)', default: 30, min: 0, max: 36_500 }),
  BZ_CACHE_TTL_S: int({ meaning: 'seconds a deliverable or undeliverable result is reused', default: 7 * DAY, min: 0, max: 365 * DAY }),
  BZ_CACHE_TTL_RISKY_S: int({ meaning: 'seconds a risky result is reused', default: DAY, min: 0, max: 365 * DAY }),
  BZ_CACHE_TTL_UNKNOWN_S: int({ meaning: 'seconds an unknown result is reused', default: 600, min: 0, max: 365 * DAY }),
  BZ_JOB_RETRY_DELAY_MS: job('greylisting: retry delay when the reply names none', 'retryDelayMs', 0, MS_DAY),
  BZ_JOB_RETRY_MIN_MS: job('greylisting: shortest retry delay a server hint may ask for', 'minRetryDelayMs', 0, MS_DAY),
  BZ_JOB_RETRY_MAX_MS: job('greylisting: longest retry delay a server hint may ask for', 'maxRetryDelayMs', 0, MS_DAY),
  BZ_JOB_RETRY_BUDGET: job('greylisted or busy: retries an address may get before it ends unknown / retry_budget_exhausted', 'retryBudget', 0, 100),
  BZ_JOB_BUSY_RETRY_MS: job('busy or blocked for now (421, rate limits): first retry delay, doubling per retry', 'busyRetryBaseMs', 0, MS_DAY),
  BZ_JOB_BUSY_RETRY_MAX_MS: job('busy or blocked for now: longest retry delay', 'busyRetryMaxMs', 0, MS_DAY),
  BZ_JOB_BROKEN_RETRIES: job('broken or unreachable (tarpit, reset, garbage, refused): retries before the answer stands', 'brokenRetries', 0, 10),
  BZ_JOB_BROKEN_RETRY_MS: job('broken or unreachable: delay of that retry', 'brokenRetryDelayMs', 0, MS_DAY),
  BZ_JOB_MAX_WAIT_MS: job('default ?max_wait: how long an address may wait for retries after its first "not now" (then unknown / retry_deadline)', 'maxWaitMs', 0, MS_DAY),
  BZ_JOB_TASK_SIZE: job('addresses per probe task at most', 'taskSize', 1, 500),
  BZ_JOB_MIN_TASK_SIZE: job('addresses per probe task at least (tasks hold about 1% of a job between the two)', 'minTaskSize', 1, 500),
  BZ_JOB_CLAIM_SIZE: job('job items claimed per store round trip', 'claimSize', 1, 10_000),
  BZ_JOB_MAX_IN_FLIGHT: job('job items in flight at once on this edge', 'maxInFlight', 1, 100_000),
  BZ_JOB_TASK_DEADLINE_MS: job("a prober's budget for one task", 'taskDeadlineMs', 1_000, MS_DAY),
  BZ_JOB_LEASE_MS: job("how long a claim holds before another edge may take the items (a dead edge's work comes back)", 'leaseMs', 1_000, MS_DAY),
});

export interface Config {
  host: string;
  port: number;
  db: string;
  doh: string[];
  allowNets: string[];
  apiKey: string | undefined;
  /** PEM file paths; both or neither (checked at load). */
  tls: { certFile: string; keyFile: string } | undefined;
  pgPool: number | undefined;
  verifyDeadlineMs: number;
  allowAnonymousLocal: boolean;
  trustProxy: string[];
  anonymousChecks: { perHour: number; totalPerHour: number };
  authFailuresPerMinute: number;
  /** Token bucket per API key; perSecond 0 turns it off. */
  rateLimit: { perSecond: number; burst: number };
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** Characters in one CSV cell or JSON string (`cell`), one CSV row or JSON element (`row`): edge/jobs/upload-limits.ts. */
  uploadLimits: { cell: number; row: number };
  uploadsPerKey: number;
  /** Days jobs, their rows, cached results and outcomes are kept; 0 keeps them forever. */
  retentionDays: number;
  /** Result-cache lifetimes in seconds, by verdict (known = deliverable/undeliverable). */
  cacheTtl: { known: number; risky: number; unknown: number };
  /** The BZ_JOB_* overrides that are set; the job runner's defaults fill the rest. */
  jobRunner: Partial<RunnerOptions>;
}

export type ConfigLoad = { ok: true; config: Config } | { ok: false; error: string };

/** Parses the environment; never throws. Every bad variable is named in the error, one per line. */
export function loadConfig(env: Env): ConfigLoad {
  const parsed = EDGE_SETTINGS.parse(env);
  if (!parsed.ok) return parsed;
  const e = parsed.values;
  if ((e.BZ_TLS_CERT === undefined) !== (e.BZ_TLS_KEY === undefined)) return { ok: false, error: 'invalid configuration:\nBZ_TLS_CERT and BZ_TLS_KEY go together: set both or neither' };
  const jobRunner: Partial<RunnerOptions> = {};
  const overrides: [keyof RunnerOptions, number | undefined][] = [
    ['retryDelayMs', e.BZ_JOB_RETRY_DELAY_MS],
    ['minRetryDelayMs', e.BZ_JOB_RETRY_MIN_MS],
    ['maxRetryDelayMs', e.BZ_JOB_RETRY_MAX_MS],
    ['retryBudget', e.BZ_JOB_RETRY_BUDGET],
    ['busyRetryBaseMs', e.BZ_JOB_BUSY_RETRY_MS],
    ['busyRetryMaxMs', e.BZ_JOB_BUSY_RETRY_MAX_MS],
    ['brokenRetries', e.BZ_JOB_BROKEN_RETRIES],
    ['brokenRetryDelayMs', e.BZ_JOB_BROKEN_RETRY_MS],
    ['maxWaitMs', e.BZ_JOB_MAX_WAIT_MS],
    ['taskSize', e.BZ_JOB_TASK_SIZE],
    ['minTaskSize', e.BZ_JOB_MIN_TASK_SIZE],
    ['claimSize', e.BZ_JOB_CLAIM_SIZE],
    ['maxInFlight', e.BZ_JOB_MAX_IN_FLIGHT],
    ['taskDeadlineMs', e.BZ_JOB_TASK_DEADLINE_MS],
    ['leaseMs', e.BZ_JOB_LEASE_MS],
  ];
  for (const [key, value] of overrides) if (value !== undefined) jobRunner[key] = value;
  return {
    ok: true,
    config: {
      host: e.BZ_HOST,
      port: e.BZ_PORT,
      db: e.BZ_DB,
      doh: e.BZ_DOH,
      allowNets: e.BZ_ALLOW_NETS,
      apiKey: e.BZ_API_KEY,
      tls: e.BZ_TLS_CERT !== undefined && e.BZ_TLS_KEY !== undefined ? { certFile: e.BZ_TLS_CERT, keyFile: e.BZ_TLS_KEY } : undefined,
      pgPool: e.BZ_PG_POOL,
      verifyDeadlineMs: e.BZ_VERIFY_DEADLINE_MS,
      allowAnonymousLocal: e.BZ_ALLOW_ANONYMOUS_LOCAL,
      trustProxy: e.BZ_TRUST_PROXY,
      authFailuresPerMinute: e.BZ_AUTH_FAILURES_PER_MINUTE,
      anonymousChecks: { perHour: e.BZ_ANONYMOUS_CHECKS, totalPerHour: e.BZ_ANONYMOUS_CHECKS_TOTAL },
      rateLimit: { perSecond: e.BZ_RATE_LIMIT_RPS, burst: e.BZ_RATE_LIMIT_BURST },
      bodyLimitBytes: e.BZ_BODY_LIMIT_BYTES,
      uploadLimitBytes: e.BZ_UPLOAD_LIMIT_BYTES,
      // A row holds at least one cell.
      uploadLimits: { cell: e.BZ_UPLOAD_CELL_LIMIT, row: Math.max(e.BZ_UPLOAD_ROW_LIMIT, e.BZ_UPLOAD_CELL_LIMIT) },
      uploadsPerKey: e.BZ_UPLOADS_PER_KEY,
      retentionDays: e.BZ_RETENTION_DAYS,
      cacheTtl: { known: e.BZ_CACHE_TTL_S, risky: e.BZ_CACHE_TTL_RISKY_S, unknown: e.BZ_CACHE_TTL_UNKNOWN_S },
      jobRunner,
    },
  };
}

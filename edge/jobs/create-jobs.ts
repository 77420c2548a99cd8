import type { Kysely } from 'kysely';
import type { SyntaxCheck } from '../../protocol/index.ts';
import type { MountedRoutes } from '../api/app.ts';
import type { ResultPacking } from '../store/packed-result.ts';
import type { Database } from '../store/schema.ts';
import type { PipelineDeps } from '../verify/domain-pipeline.ts';
import { ItemClaims } from './item-claims.ts';
import { JobRunner } from './job-runner.ts';
import { createJobRoutes } from './job-routes.ts';
import { JOBS_OPENAPI } from './jobs-openapi.ts';
import { WebhookSender, type WebhookSenderDeps } from './webhook/webhook-sender.ts';
import type { RunnerOptions } from './runner-options.ts';
import type { UploadLimits } from './upload-limits.ts';

export interface JobsDeps {
  /** The jobs' tables: the routes write jobs and rows, the runner claims and resolves items. */
  store: Kysely<Database>;
  /** Other edges work the same store (sharedByEdges of the store). */
  sharedByEdges: boolean;
  /** The services a single check runs on: jobs go through the same pipeline. */
  pipeline: PipelineDeps;
  checkSyntax: (input: string) => SyntaxCheck;
  /** BZ_UPLOAD_CELL_LIMIT / BZ_UPLOAD_ROW_LIMIT and BZ_UPLOADS_PER_KEY; the defaults of upload-limits.ts otherwise. */
  uploads?: { limits: UploadLimits; perPrincipal: number };
  runner?: Partial<RunnerOptions>;
  onError?: (error: unknown) => void;
  /** Completion webhooks: how they are sent and where they may go (composeEdge gives the DoH client and BZ_ALLOW_NETS). */
  webhooks?: Partial<Omit<WebhookSenderDeps, 'db' | 'clock' | 'onError'>>;
  /** How results are kept: the same packing as the result cache's, so a result is packed once for both. */
  packing: ResultPacking;
}

export interface Jobs {
  /** Pass as AppDeps.jobs: mounted at /v1/jobs behind the API key. */
  mounted: MountedRoutes;
  /** The composition calls runner.start() once the store is open and runner.stop() before closing it. */
  runner: JobRunner;
  /** Likewise webhooks.start() and webhooks.stop(). */
  webhooks: WebhookSender;
}

/** The bulk-job feature as one piece: its routes and the runner that works the queue they fill. */
export function createJobs(deps: JobsDeps): Jobs {
  const { clock, random } = deps.pipeline;
  const runner = new JobRunner({
    ...deps.pipeline,
    claims: new ItemClaims(deps.store, deps.packing),
    sharedByEdges: deps.sharedByEdges,
    checkSyntax: deps.checkSyntax,
    ...(deps.runner ? { options: deps.runner } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  const webhooks = new WebhookSender({
    db: deps.store,
    clock,
    // Web fetch cannot be told the vetted address (see WebhookFetch); the Node and Deno edges give pinning ones.
    fetch: deps.webhooks?.fetch ?? ((input, init) => fetch(input, init)),
    hostAddresses: deps.webhooks?.hostAddresses ?? (() => Promise.reject(new Error('no DNS resolver was given to look callback hosts up'))),
    allowNets: deps.webhooks?.allowNets ?? [],
    ...(deps.webhooks?.options ? { options: deps.webhooks.options } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  const routes = createJobRoutes({
    db: deps.store,
    clock,
    random,
    checkSyntax: deps.checkSyntax,
    onJobCreated: () => runner.wake(),
    forgetResults: (normalized) => deps.pipeline.cache.forget(normalized),
    onJobFinished: () => webhooks.wake(),
    packing: deps.packing,
    ...(deps.uploads ? { uploadLimits: deps.uploads.limits, uploadsPerPrincipal: deps.uploads.perPrincipal } : {}),
  });
  return {
    runner,
    webhooks,
    mounted: {
      routes,
      openapi: JOBS_OPENAPI,
      gauges: () => ({ job_items_in_flight: ['Job items handed to probers and not yet answered.', runner.itemsInFlight] }),
    },
  };
}

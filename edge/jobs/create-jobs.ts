import type { Kysely } from 'kysely';
import type { Clock, Random, SyntaxCheck } from '../../protocol/index.ts';
import type { MountedRoutes } from '../api/app.ts';
import type { ResultCache } from '../cache/result-cache.ts';
import { createStoreResultCache } from '../cache/store-result-cache.ts';
import type { Config } from '../config.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { MxResolver } from '../dns/mx-resolver.ts';
import type { Database } from '../store/schema.ts';
import { checkSyntax } from '../syntax/index.ts';
import { storeEvidence } from '../verify/probe-evidence.ts';
import type { VerifyObserver } from '../verify/verify-address.ts';
import { JobRunner } from './job-runner.ts';
import { createJobRoutes } from './job-routes.ts';
import { JOBS_OPENAPI } from './jobs-openapi.ts';
import type { RunnerOptions } from './runner-options.ts';

export interface JobsDeps {
  store: Kysely<Database>;
  resolver: MxResolver;
  dispatcher: Dispatcher;
  clock: Clock;
  random: Random;
  config: Pick<Config, 'cacheTtl'>;
  /** The result cache shared with POST /v1/verify: the store's unless a test brings one. */
  cache?: ResultCache;
  checkSyntax?: (input: string) => SyntaxCheck;
  runner?: Partial<RunnerOptions>;
  /** Told of every probe's SMTP work (the edge's metrics). */
  observer?: VerifyObserver;
  onError?: (error: unknown) => void;
}

export interface Jobs {
  /** Pass as AppDeps.jobs: mounted at /v1/jobs behind the API key. */
  mounted: MountedRoutes;
  /** The composition calls runner.start() once the store is open and runner.stop() before closing it. */
  runner: JobRunner;
}

/** The bulk-job feature as one piece: its routes and the runner that works the queue they fill. */
export function createJobs(deps: JobsDeps): Jobs {
  const syntax = deps.checkSyntax ?? checkSyntax;
  const runner = new JobRunner({
    db: deps.store,
    resolver: deps.resolver,
    dispatcher: deps.dispatcher,
    cache: deps.cache ?? createStoreResultCache(deps.store),
    clock: deps.clock,
    random: deps.random,
    checkSyntax: syntax,
    cacheTtl: deps.config.cacheTtl,
    ...storeEvidence(deps.store, deps.clock),
    ...(deps.observer ? { observer: deps.observer } : {}),
    ...(deps.runner ? { options: deps.runner } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  const routes = createJobRoutes({ db: deps.store, clock: deps.clock, random: deps.random, checkSyntax: syntax, onJobCreated: () => runner.wake() });
  return {
    runner,
    mounted: {
      routes,
      openapi: JOBS_OPENAPI,
      gauges: () => ({ job_items_in_flight: ['Job items handed to probers and not yet answered.', runner.itemsInFlight] }),
    },
  };
}

import type { GetConnInfo } from 'hono/conninfo';
import type { Clock, Random, SyntaxCheck } from '../../protocol/index.ts';
import { createStoreKeyStore, type ApiKeyStore } from '../access/key-store.ts';
import { createApp } from '../api/app.ts';
import { memoResultCache } from '../cache/memo-result-cache.ts';
import type { ResultCache } from '../cache/result-cache.ts';
import { createStoreResultCache } from '../cache/store-result-cache.ts';
import type { Config } from '../config.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { HubMetrics } from '../dispatch/hub-metrics.ts';
import type { DohEndpointStatus } from '../dns/doh-client.ts';
import type { MxResolver } from '../dns/mx-resolver.ts';
import { createJobs, type Jobs, type JobsDeps } from '../jobs/create-jobs.ts';
import { eraseAddress } from '../retention/erase-address.ts';
import type { RunnerOptions } from '../jobs/runner-options.ts';
import { createOutcomeStore, type OutcomeStore } from '../learning/outcome-store.ts';
import { EdgeMetrics } from '../metrics/edge-metrics.ts';
import { portableDeflate } from '../store/deflate-portable.ts';
import type { EdgeStore } from '../store/edge-store.ts';
import { resultPacking, type ResultPacking } from '../store/packed-result.ts';
import { checkSyntax as realCheckSyntax } from '../syntax/index.ts';
import { storeEvidence } from '../verify/probe-evidence.ts';
import type { PipelineDeps, VerifyObserver } from '../verify/domain-pipeline.ts';
import type { VerifyDeps } from '../verify/verify-address.ts';

export interface EdgeServicesInput {
  config: Config;
  /** The store and what it can do (several edges on it or one). */
  store: EdgeStore;
  resolver: MxResolver;
  /** Single checks go straight to the agents. */
  dispatcher: Dispatcher;
  /** Jobs may go through domain leases when several edges share the store; the same dispatcher otherwise. */
  jobDispatcher?: Dispatcher;
  clock: Clock;
  random: Random;
  metrics?: EdgeMetrics;
  /** Told what every check did (cache lookups, probes): the edge's metrics unless a test listens. */
  observer?: VerifyObserver;
  runner?: Partial<RunnerOptions>;
  checkSyntax?: (input: string) => SyntaxCheck;
  connInfo?: GetConnInfo;
  hubMetrics?: () => HubMetrics;
  /** How each DoH endpoint fares, for /v1/health. */
  dnsStatus?: () => DohEndpointStatus[];
  /** Told of every request answered 500; a JSON line on stderr by default. */
  onAppError?: (error: unknown) => void;
  /** Told of the job runner's own failures (store, resolver threw); the items are retried. */
  onJobError?: (error: unknown) => void;
  /** How completion webhooks are sent and where they may go. */
  webhooks?: JobsDeps['webhooks'];
}

/** How long an edge on a shared store serves a result from memory: another edge's erasure holds here within it. */
export const SHARED_MEMO_MS = 5_000;

/** The store-backed services a check runs on, before jobs and HTTP are added. */
export interface CheckServices {
  /** One result cache for /v1/verify and the jobs, so a job's fresh answer replaces what verify remembers. */
  cache: ResultCache;
  keys: ApiKeyStore;
  outcomes: OutcomeStore;
  /** What every check (single or in a job) runs on. */
  pipeline: PipelineDeps;
  /** How results are kept in the store, shared by the cache and the jobs. */
  packing: ResultPacking;
  /** The single check: the pipeline plus stage 1 and the overall deadline. */
  verify: VerifyDeps;
  metrics: EdgeMetrics;
}

export interface EdgeServices extends CheckServices {
  app: ReturnType<typeof createApp>;
  jobs: Jobs;
}

/** The result cache, keys, outcomes, evidence and learned scorer over the store, each built once. */
export function checkServices(input: Omit<EdgeServicesInput, 'store' | 'jobDispatcher' | 'runner' | 'connInfo' | 'hubMetrics' | 'dnsStatus' | 'onAppError' | 'onJobError' | 'webhooks'> & Pick<EdgeStore, 'db'> & Partial<Pick<EdgeStore, 'dataVersion' | 'sharedByEdges' | 'deflate'>>): CheckServices {
  const { config, db, clock, random } = input;
  const metrics = input.metrics ?? new EdgeMetrics();
  // Another edge's erasure is seen through SQLite's data_version at once; on a store shared by
  // edges (PostgreSQL) nothing tells, so the memo asks the store again after a few seconds.
  const memoOptions = input.dataVersion ? { dataVersion: input.dataVersion } : input.sharedByEdges ? { maxAgeMs: SHARED_MEMO_MS } : {};
  const packing = resultPacking(input.deflate ?? portableDeflate);
  const cache = memoResultCache(createStoreResultCache(db, { clock, packing }), memoOptions);
  const outcomes = createOutcomeStore(db);
  const pipeline: PipelineDeps = {
    resolver: input.resolver,
    dispatcher: input.dispatcher,
    cache,
    clock,
    random,
    cacheTtl: config.cacheTtl,
    observer: input.observer ?? metrics,
    ...storeEvidence(db, outcomes, clock, input),
  };
  const verify: VerifyDeps = { ...pipeline, checkSyntax: input.checkSyntax ?? realCheckSyntax, deadlineMs: config.verifyDeadlineMs };
  return { cache, keys: createStoreKeyStore(db), outcomes, pipeline, packing, verify, metrics };
}

/**
 * Everything of the edge that lives on the store, built once: the check services, the jobs and
 * the HTTP app. The DNS resolver and the dispatcher come from the caller (composeEdge builds the
 * real ones; tests bring scripted ones).
 */
export function edgeServices(input: EdgeServicesInput): EdgeServices {
  const { config, store, clock } = input;
  const { db } = store;
  const services = checkServices({ ...input, ...store });
  const { pipeline, verify, metrics } = services;
  const jobs = createJobs({
    store: db,
    sharedByEdges: store.sharedByEdges,
    pipeline: { ...pipeline, dispatcher: input.jobDispatcher ?? input.dispatcher },
    checkSyntax: verify.checkSyntax,
    packing: services.packing,
    uploads: { limits: config.uploadLimits, perPrincipal: config.uploadsPerKey },
    ...(input.runner ? { runner: input.runner } : {}),
    ...(input.onJobError ? { onError: input.onJobError } : {}),
    ...(input.webhooks ? { webhooks: input.webhooks } : {}),
  });
  const app = createApp({
    config,
    keys: services.keys,
    outcomes: services.outcomes,
    erase: async (key) => {
      const erased = await eraseAddress(db, key);
      await services.cache.forget([key]);
      return erased;
    },
    verify,
    clock,
    metrics,
    jobs: jobs.mounted,
    ...(input.connInfo ? { connInfo: input.connInfo } : {}),
    ...(input.hubMetrics ? { hubMetrics: input.hubMetrics } : {}),
    ...(input.dnsStatus ? { dnsStatus: input.dnsStatus } : {}),
    ...(input.onAppError ? { onError: input.onAppError } : {}),
  });
  return { ...services, app, jobs };
}

import type { Migration } from 'kysely/migration';
import { dnsCache } from './001-dns-cache.ts';
import { resultCacheMigration } from './002-result-cache.ts';
import { apiKeysMigration } from './003-api-keys.ts';
import { agentsMigration } from './004-agents.ts';
import { jobsMigration } from './005-jobs.ts';
import { outcomesMigration } from './006-outcomes.ts';
import { breachFeedMigration } from './007-breach-feed.ts';
import { domainLeasesMigration } from './008-domain-leases.ts';
import { agentPublicKeysMigration } from './009-agent-public-keys.ts';
import { ownersAndScopesMigration } from './010-owners-and-scopes.ts';
import { retentionMigration } from './011-retention.ts';
import { jobRetryWindowMigration } from './012-job-retry-window.ts';
import { jobItemsDueByJobMigration } from './013-job-items-due-by-job.ts';
import { jobNamesAndCallbacksMigration } from './016-job-names-and-callbacks.ts';
import { callbackQueueMigration } from './017-callback-queue.ts';
import { agentHeldOffMigration } from './018-agent-held-off.ts';
import { jobTallyMigration } from './019-job-tally.ts';

/**
 * Every migration, in order. Kysely runs them sorted by name, so a new one takes the next
 * number: write `NNN-what.ts` exporting a Migration and add `'NNN-what': what` below. Never
 * rename or edit a migration that has shipped; add another one instead.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-dns-cache': dnsCache,
  '002-result-cache': resultCacheMigration,
  '003-api-keys': apiKeysMigration,
  '004-agents': agentsMigration,
  '005-jobs': jobsMigration,
  '006-outcomes': outcomesMigration,
  '007-breach-feed': breachFeedMigration,
  '008-domain-leases': domainLeasesMigration,
  '009-agent-public-keys': agentPublicKeysMigration,
  '010-owners-and-scopes': ownersAndScopesMigration,
  '011-retention': retentionMigration,
  '012-job-retry-window': jobRetryWindowMigration,
  '013-job-items-due-by-job': jobItemsDueByJobMigration,
  '016-job-names-and-callbacks': jobNamesAndCallbacksMigration,
  '017-callback-queue': callbackQueueMigration,
  '018-agent-held-off': agentHeldOffMigration,
  '019-job-tally': jobTallyMigration,
};

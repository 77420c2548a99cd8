import type { Kysely } from 'kysely';
import type { Clock, Signal } from '../../protocol/index.ts';
import { createBreachFeed } from '../enrich/breach-feed.ts';
import { createLearnedScorer, type LearnedScorer } from '../learning/learned-scorer.ts';
import type { OutcomeStore } from '../learning/outcome-store.ts';
import type { EdgeStore } from '../store/edge-store.ts';
import type { Database } from '../store/schema.ts';

/** What the edge adds to a prober's answer: its own evidence and what past outcomes taught. */
export interface ProbeEvidence {
  /** Edge-side signals about an address (local breach feeds). */
  enrich?: (normalized: string) => Promise<Signal[]>;
  /** The learned model's estimate, an input of the scoring pass; absent, the rules' score stands. */
  learned?: LearnedScorer;
}

/** The store's evidence: its breach feeds and its newest trained model. */
export function storeEvidence(store: Kysely<Database>, outcomes: OutcomeStore, clock: Clock, changes: Pick<EdgeStore, 'dataVersion'> = {}): Required<ProbeEvidence> {
  const feed = createBreachFeed(store, changes);
  return {
    enrich: async (normalized) => [await feed.signal(normalized)],
    learned: createLearnedScorer(() => outcomes.latestModels(), clock),
  };
}

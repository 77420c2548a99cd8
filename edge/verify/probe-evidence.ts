import type { Kysely } from 'kysely';
import type { CatchAllCheck, Clock, MxPlan, ProbeAddressResult, Signal, SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import { createBreachFeed } from '../enrich/breach-feed.ts';
import { createLearnedScorer, type LearnedScorer } from '../learning/learned-scorer.ts';
import { createOutcomeStore } from '../learning/outcome-store.ts';
import type { Database } from '../store/schema.ts';
import { resultFromProbe } from './assemble-result.ts';

/** What the edge adds to a prober's answer: its own evidence and what past outcomes taught. */
export interface ProbeEvidence {
  /** Edge-side signals about an address (local breach feeds). */
  enrich?: (normalized: string) => Promise<Signal[]>;
  /** The learned model's adjustment of scores; absent, the rules' score stands. */
  learned?: LearnedScorer;
}

/** The store's evidence: its breach feeds and its newest trained model. */
export function storeEvidence(store: Kysely<Database>, clock: Clock): Required<ProbeEvidence> {
  const feed = createBreachFeed(store);
  const outcomes = createOutcomeStore(store);
  return {
    enrich: async (normalized) => [await feed.signal(normalized)],
    learned: createLearnedScorer(() => outcomes.latestModels(), clock),
  };
}

/** A probed address's result, the same for a single check and a job item. */
export async function probedResult(
  evidence: ProbeEvidence,
  email: string,
  syntax: SyntaxCheck & { normalized: string },
  plan: MxPlan,
  probe: ProbeAddressResult,
  catchAll: CatchAllCheck,
  checkedAt: number,
): Promise<VerificationResult> {
  const extra = evidence.enrich ? await evidence.enrich(syntax.normalized) : [];
  const result = resultFromProbe(email, syntax, plan, { ...probe, signals: [...probe.signals, ...extra] }, catchAll, checkedAt);
  return evidence.learned ? evidence.learned.adjust(result) : result;
}

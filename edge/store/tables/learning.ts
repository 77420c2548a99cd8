import type { Generated } from 'kysely';
import type { OutcomeKind } from '../../../protocol/index.ts';

/** One observed delivery outcome, with the features of our verification of the address at the time. */
export interface OutcomesTable {
  id: Generated<number>;
  normalized: string;
  outcome: OutcomeKind;
  observed_at: number;
  provider: string | null;
  /** JSON array of featuresOf(result); null when we had no verification of the address. */
  features_json: string | null;
  features_version: number | null;
}

/** Trained model sets, newest last; the edge scores with the newest. */
export interface ModelsTable {
  id: Generated<number>;
  trained_at: number;
  /** The ModelSet as JSON. */
  body_json: string;
}

import type { Kysely } from 'kysely';
import type { OutcomeKind } from '../../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { FEATURES_VERSION } from './features.ts';
import type { LabelledOutcome, ModelSet } from './model-set.ts';

export interface OutcomeRow {
  normalized: string;
  outcome: OutcomeKind;
  observed_at: number;
  provider: string | null;
  features: number[] | null;
}

/** Outcomes and models in the store (kysely: SQLite or any dialect that follows). */
export interface OutcomeStore {
  add(rows: readonly OutcomeRow[]): Promise<void>;
  /** Outcomes that can teach: a verification was known and the outcome says something about the mailbox. */
  labelled(): Promise<LabelledOutcome[]>;
  saveModels(models: ModelSet, trainedAt: number): Promise<void>;
  latestModels(): Promise<ModelSet | null>;
}

export function createOutcomeStore(db: Kysely<Database>): OutcomeStore {
  return {
    async add(rows) {
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500).map((r) => ({
          normalized: r.normalized,
          outcome: r.outcome,
          observed_at: r.observed_at,
          provider: r.provider,
          features_json: r.features ? JSON.stringify(r.features) : null,
          features_version: r.features ? FEATURES_VERSION : null,
        }));
        if (chunk.length) await db.insertInto('outcomes').values(chunk).execute();
      }
    },
    async labelled() {
      const rows = await db
        .selectFrom('outcomes')
        .select(['id', 'normalized', 'outcome', 'provider', 'features_json'])
        .where('features_version', '=', FEATURES_VERSION)
        .where('outcome', 'in', ['delivered', 'hard_bounce'])
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        key: `${r.normalized}#${r.id}`,
        provider: r.provider ?? 'other',
        features: JSON.parse(r.features_json ?? '[]') as number[],
        delivered: r.outcome === 'delivered' ? 1 : 0,
      }));
    },
    async saveModels(models, trainedAt) {
      await db.insertInto('models').values({ trained_at: trainedAt, body_json: JSON.stringify(models) }).execute();
    },
    async latestModels() {
      const row = await db.selectFrom('models').select('body_json').orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row ? (JSON.parse(row.body_json) as ModelSet) : null;
    },
  };
}

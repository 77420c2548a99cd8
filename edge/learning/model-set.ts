import { FEATURES_VERSION, FEATURE_NAMES } from './features.ts';
import { evaluate, type Evaluation } from './evaluate.ts';
import { predict, train, type LogisticModel } from './logistic.ts';

/** One observed delivery outcome, with the features its verification had. */
export interface LabelledOutcome {
  key: string;
  provider: string;
  features: number[];
  /** 1 delivered, 0 hard bounce (soft bounces say nothing about the mailbox and are left out). */
  delivered: 0 | 1;
}

export interface ProviderModel extends LogisticModel {
  n: number;
  heldOut: Evaluation;
}

export interface ModelSet {
  features_version: number;
  features: readonly string[];
  trained_at: string;
  providers: Record<string, ProviderModel>;
  /** Trained on every provider's outcomes; used where a provider has too few of its own. */
  global: ProviderModel | null;
}

/** A provider needs this many outcomes before its own model is trusted over the global one. */
export const MIN_PROVIDER_OUTCOMES = 200;

/**
 * Trains one model per provider plus a global one. One outcome in five (chosen by a hash of
 * its key, so the split is stable) is held out to report accuracy and calibration.
 */
export function trainModelSet(outcomes: readonly LabelledOutcome[], now: Date): ModelSet {
  const byProvider = new Map<string, LabelledOutcome[]>();
  for (const o of outcomes) byProvider.set(o.provider, [...(byProvider.get(o.provider) ?? []), o]);
  const providers: Record<string, ProviderModel> = {};
  for (const [provider, rows] of byProvider) {
    if (rows.length >= MIN_PROVIDER_OUTCOMES) providers[provider] = fit(rows);
  }
  return {
    features_version: FEATURES_VERSION,
    features: FEATURE_NAMES,
    trained_at: now.toISOString(),
    providers,
    global: outcomes.length >= MIN_PROVIDER_OUTCOMES ? fit(outcomes) : null,
  };
}

function fit(rows: readonly LabelledOutcome[]): ProviderModel {
  const trainRows = rows.filter((r) => !heldOut(r.key));
  const testRows = rows.filter((r) => heldOut(r.key));
  const model = train(trainRows.map((r) => r.features), trainRows.map((r) => r.delivered));
  const heldOutEval = evaluate(testRows.map((r) => predict(model, r.features)), testRows.map((r) => r.delivered));
  return { ...model, n: rows.length, heldOut: heldOutEval };
}

/** FNV-1a of the key: a stable one-in-five split that needs no random source. */
function heldOut(key: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 5 === 0;
}

/** The learned probability of delivery, or null when no model fits (scoring keeps its rule score). */
export function learnedProbability(models: ModelSet | null, provider: string, features: readonly number[]): number | null {
  if (!models || models.features_version !== FEATURES_VERSION) return null;
  const model = models.providers[provider] ?? models.global;
  return model ? predict(model, features) : null;
}

import type { Clock } from '../../protocol/index.ts';
import { featuresOf, providerOf, type FeatureChecks } from './features.ts';
import { learnedProbability, type ModelSet } from './model-set.ts';

const RELOAD_MS = 60_000;

/** What the newest trained model says about one address: the scoring pass weighs it in. */
export interface LearnedEstimate {
  /** Probability that mail to the address is delivered, 0–1. */
  p: number;
  /** Whose model said so (gmail, microsoft, yahoo, or `other`). */
  provider: string;
}

export interface LearnedScorer {
  /** Null when no model is trained yet or the address never reached SMTP. */
  estimate(checks: FeatureChecks): Promise<LearnedEstimate | null>;
}

/**
 * The newest trained model's delivery probability for results that reached the SMTP stage.
 * Models are re-read from the store at most once a minute.
 */
export function createLearnedScorer(load: () => Promise<ModelSet | null>, clock: Clock): LearnedScorer {
  let models: ModelSet | null = null;
  let loadedAt = -Infinity;
  let loading: Promise<void> | null = null;
  const refresh = async () => {
    if (clock.now() - loadedAt < RELOAD_MS) return;
    loading ??= load()
      .then((m) => void (models = m), () => undefined)
      .finally(() => {
        loadedAt = clock.now();
        loading = null;
      });
    await loading;
  };
  return {
    async estimate(checks) {
      if (!checks.smtp) return null;
      await refresh();
      const provider = providerOf({ checks });
      const p = learnedProbability(models, provider, featuresOf({ checks }));
      return p === null ? null : { p, provider };
    },
  };
}
